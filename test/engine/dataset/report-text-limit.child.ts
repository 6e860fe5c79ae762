// Reads one report in a fresh process and prints the outcome and the process's peak memory, for
// report-limit.test.ts: in the test's own process, memory freed by earlier tests is reused, so a
// report read whole before being refused might not show in its resident set.
import { reportText } from '../../../src/engine/dataset/report-text';

async function main(): Promise<void> {
  const [path, max] = process.argv.slice(2);
  let error: string | null = null;
  try {
    await reportText({ kind: 'file', path }, { maxReportBytes: Number(max) });
  } catch (err) {
    error = (err as Error).message;
  }
  process.stdout.write(JSON.stringify({ error, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

void main();
