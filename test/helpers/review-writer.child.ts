// A review-file writer in its own process, for the tests of several writers at once: judges
// `count` pairs named `<prefix>-<i>` mismatched (some then cleared) through one ReviewStore, the way a
// VS Code window or a script does. Prints `try <pair> <reason|null>` before each change and
// `ack <pair> <reason|null>` once it is on disk. Killed with SIGKILL at random moments by the
// tests, so the change it was making may or may not be on disk; acknowledged ones must be.
import { ReviewStore } from '../../src/engine/review';

async function main(): Promise<void> {
  const [root, prefix, countText] = process.argv.slice(2);
  const count = Number(countText);
  const store = new ReviewStore(root, { waitMs: 60_000 });
  for (let i = 0; i < count; i++) {
    const pair = `${prefix}-${String(i).padStart(3, '0')}`;
    process.stdout.write(`try ${pair} other\n`);
    await store.record({
      kind: 'verdict',
      pair,
      verdict: 'mismatched',
      reason: 'other',
      note: `by ${prefix}`,
      reviewer: prefix,
      model: 'm',
    });
    process.stdout.write(`ack ${pair} other\n`);
    if (i % 5 === 4) {
      // Judge, then clear at once: the clearing is the later change and must win.
      process.stdout.write(`try ${pair} null\n`);
      await store.record({
        kind: 'verdict',
        pair,
        verdict: null,
        reason: null,
        note: '',
        reviewer: prefix,
        model: 'm',
      });
      process.stdout.write(`ack ${pair} null\n`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
