import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers } from '../../main/tools/check-layers.mjs';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dexar-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('tools/checkLayers', () => {
  it('finds no import that crosses a runtime boundary in this repository', () => {
    expect(checkLayers()).toEqual([]);
  });

  it('reports each kind of violation', () => {
    const root = tree({
      'shared/a.ts': "import { readFile } from 'node:fs';\nimport { x } from '../main/b';\n",
      'renderer/src/c.ts': "import { y } from '../../main/b';\nimport Database from 'better-sqlite3';\n",
      'main/b.ts': "import { app } from 'electron';\nexport const x = 1;\n",
      'main/engine/run.ts': "const ort = await import('onnxruntime-node');\n",
      'main/electron/ok.ts': "import { app } from 'electron';\nimport { z } from '../../shared/a';\n",
    });
    const problems = checkLayers(root);
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/shared\/a.ts: imports 'node:fs'/);
    expect(problems.join('\n')).toMatch(/shared\/a.ts: imports '..\/main\/b'/);
    expect(problems.join('\n')).toMatch(/renderer\/src\/c.ts: imports '..\/..\/main\/b'/);
    expect(problems.join('\n')).toMatch(/main\/b.ts: imports 'electron'/);
    expect(problems.join('\n')).toMatch(/renderer\/src\/c.ts: imports 'better-sqlite3' — only main\/store/);
    expect(problems.join('\n')).toMatch(/main\/engine\/run.ts: imports 'onnxruntime-node'/);
  });
});
