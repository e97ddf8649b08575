/** `dexar`: the command-line entry. Each subcommand is a module with summary, usage and run(). */
import { APP_NAME, APP_VERSION } from '../app/info';
import { UsageError } from './args';
import * as bench from './commands/bench';
import * as benchStore from './commands/bench-store';
import * as evaluate from './commands/eval';
import * as explain from './commands/explain';
import * as importVoc from './commands/import-voc';
import * as report from './commands/report';
import * as serve from './commands/serve';

interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<void>;
}

const COMMANDS: Readonly<Record<string, Command>> = { serve, explain, bench, 'bench-store': benchStore, eval: evaluate, 'import-voc': importVoc, report };

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`);
  return `${APP_NAME} ${APP_VERSION}\n\nUsage: dexar <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'dexar <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${APP_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`dexar: unknown command '${name}' (see 'dexar --help')\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`dexar ${name}: ${message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
