// Parses report texts with radalign's own report parser, so training and evaluation see the same sentences
// (and the same describesImage flags) as the engine. Bundled and run by training/data.py:
//   stdin: JSON array of texts; stdout: JSON array of [{text, start, end, describesImage, negated, uncertain}].
import { parseReport } from '../src/engine/report';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const texts = JSON.parse(input) as string[];
  const out = texts.map((t) => {
    const r = parseReport(t);
    return r.sentences.map((s) => ({
      text: s.text,
      start: s.start,
      end: s.end,
      section: s.section,
      describesImage: s.describesImage,
      negated: s.negated,
      uncertain: s.uncertain,
    }));
  });
  process.stdout.write(JSON.stringify(out));
});
