// Dataset text in VS Code's rich text: the markdown escape, the icon escape for labels, command
// links and notification text, tried with hostile strings; and the hover's whole markdown (its
// links may run radalign commands) built from a pair whose every text field is hostile.
import assert from 'node:assert/strict';
import type { PairResult } from '../../../src/engine/results';
import type { FlagEntry } from '../../../src/engine/review';
import { HOVER_COMMANDS, sentenceHoverMarkdown } from '../../../src/extension/views/hover-markdown';
import { commandLink, escapeIcons, escapeMarkdown, notificationText } from '../../../src/extension/views/markdown-text';
import { targetTitle } from '../../../src/extension/views/flag-choices';
import { flag, pair } from '../../helpers/review-fixtures';

const HOSTILE = [
  '[x](command:radalign.flagPair)',
  '[x](command:radalign.flagSentence?%5B%7B%22pairId%22%3A%22a%22%7D%5D "title")',
  '![img](https://evil.example/track.png)',
  '<img src=x onerror=alert(1)>',
  '<span style="color:red">red</span>',
  '<command:radalign.flagPair>',
  '$(flag) $(sync~spin)',
  '`code` and ```fence```',
  '# Heading',
  'text\n# heading on its own line\n[ref]: command:radalign.flagPair',
  '**bold** _em_ ~~strike~~ | table |',
  'https://evil.example and www.evil.example and me@evil.example',
  '&lt;b&gt; &#91;',
  '\\[escaped\\](command:x)',
];

/** What CommonMark shows for escaped text: each `\x` is the character x. */
const unescape = (md: string) => md.replace(/\\([\s\S])/g, '$1');
/** The markdown with every backslash-escaped character taken out: what is left is live syntax. */
const live = (md: string) => md.replace(/\\[\s\S]/g, '');
/** VS Code's notification link syntax (src/vs/base/common/linkedText.ts). */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
/** VS Code's theme icon syntax, unescaped (src/vs/base/common/iconLabels.ts). */
const LIVE_ICON = /(?<!\\)\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/;

describe('views: dataset text in markdown, labels and notifications', () => {
  it('escapeMarkdown leaves no live markdown, HTML, link, image or line break in hostile text', () => {
    for (const text of HOSTILE) {
      const md = escapeMarkdown(text);
      assert.doesNotMatch(live(md), /[[\]()<>!`*_#|~$&:\\\n\r]/, `${JSON.stringify(text)} → ${md}`);
      // Shown as the characters it is (line breaks as spaces, `\` before an icon: see below).
      assert.equal(unescape(md).replace(/\\(\$\()/g, '$1'), text.replace(/\n/g, ' '), md);
    }
  });

  it('escapeMarkdown keeps `$(name)` from becoming an icon (VS Code renders icons after markdown)', () => {
    const md = escapeMarkdown('$(flag) fine');
    assert.equal(md, '\\\\\\$\\(flag\\) fine');
    // After markdown: `\$(flag)`, which VS Code's icon pass shows as the text `$(flag)`.
    assert.equal(unescape(md), '\\$(flag) fine');
    assert.doesNotMatch(unescape(md), LIVE_ICON);
  });

  it('escapeIcons neutralises icon syntax in labels and leaves other text alone', () => {
    assert.equal(escapeIcons('case $(flag) 1'), 'case \\$(flag) 1');
    assert.equal(escapeIcons('$(sync~spin)'), '\\$(sync~spin)');
    assert.equal(escapeIcons('costs $5 (a lot)'), 'costs $5 (a lot)');
    assert.doesNotMatch(targetTitle('$(alert)', 0, 'Left $(flag) effusion.'), LIVE_ICON);
  });

  it('commandLink encodes its arguments whole, so a pair id cannot end or extend the link', () => {
    const id = 'a) [y](command:radalign.flagPair?x) (';
    const link = commandLink('Show [it]', 'radalign.showSentence', [{ pairId: id, sentence: 1 }]);
    const m = /^\[(.*)\]\(command:radalign\.showSentence\?([^()\s]+)\)$/.exec(link);
    assert.ok(m, link);
    assert.equal(unescape(m[1]!), 'Show [it]');
    assert.deepEqual(JSON.parse(decodeURIComponent(m[2]!)), [{ pairId: id, sentence: 1 }]);
  });

  it('notificationText never lets a notification form a link', () => {
    for (const text of HOSTILE) assert.equal(notificationText(text).match(NOTIFICATION_LINK), null, text);
    assert.equal(notificationText('see [x](https://a.example)'), 'see [x] (https://a.example)');
  });

  it('the sentence hover: hostile section, heatmap kind, image name, note and reviewer stay text', () => {
    const evil = '[x](command:radalign.flagPair) <img src=x onerror=alert(1)> $(flag) `tick` # h';
    const p: PairResult = pair('p)1', 1, 'Left effusion. Heart normal.', [0.1, 0.3], { images: [`scan ${evil}.png`] });
    const s = p.sentences[0]!;
    (s as { section: string }).section = evil;
    s.heatmap = { kind: evil as 'patch', imageIndex: 0, rows: 1, cols: 2, values: [0.1, 0.2], box: [0, 0, 8, 8] };
    const entry = flag('p)1', 0, 'laterality', `note ${evil}`, `dr ${evil}`) as FlagEntry;
    const md = sentenceHoverMarkdown({ pair: p, index: 0, below: 0.4, flags: [entry], reviewer: 'someone else' });

    const syntax = live(md);
    const links = [...syntax.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.deepEqual(links, HOVER_COMMANDS, "only the hover's own two command links");
    assert.equal(syntax.match(/!\[/g)?.length, 1, 'only the heatmap thumbnail is an image');
    assert.match(md, /!\[heatmap of sentence 1\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\)/);
    assert.doesNotMatch(syntax, /</, 'no HTML');
    assert.equal(syntax.match(/\$\(/g)?.length, 1, "only the flag's own $(flag) icon");
    assert.ok(md.startsWith('$(flag)') || md.includes('\n\n$(flag) **'), 'the own icon is there');
    // Each hostile field is there, escaped: shown as written.
    for (const field of [evil, `scan ${evil}.png`, `note ${evil}`, `dr ${evil}`])
      assert.ok(md.includes(escapeMarkdown(field)), field);
  });
});
