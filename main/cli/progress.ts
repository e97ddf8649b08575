/** A one-line progress bar on stderr for long CLI work; silent when stderr is not a terminal. */
export interface ProgressBar {
  update(done: number, total: number, note?: string): void;
  done(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const width = 30;
  const started = Date.now();
  let last = 0;
  return {
    update(done, total, note = '') {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const fraction = total > 0 ? done / total : 0;
      const filled = Math.round(fraction * width);
      const eta = done > 0 ? ((now - started) / done) * (total - done) / 1000 : 0;
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${done > 0 && done < total ? `~${eta.toFixed(0)}s left ` : ''}${note}`.padEnd(100));
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
