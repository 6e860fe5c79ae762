// Localisable text: l10n.t fills placeholders as vscode.l10n.t does without a bundle, hands over
// to vscode.l10n.t once activate() plugs it in, and every contribution title, description and
// setting text in package.json (and its display name and description) is a placeholder that package.nls.json (English) defines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { l10n, useTranslation } from '../../src/extension/l10n';
import { reasonLabels, verdictLabel } from '../../src/extension/review-labels';
import { FLAG_REASON_LABELS } from '../../src/engine/review/types';
import { repoRoot as root } from '../helpers/fixture-models';

describe('l10n', () => {
  afterEach(() => useTranslation(undefined));

  it('fills {0}, {1}… and keeps every other brace', () => {
    assert.equal(l10n.t('{0} of {1} pairs', 3, 40), '3 of 40 pairs');
    assert.equal(l10n.t('{1} before {0}, {0} again', 'a', 'b'), 'b before a, a again');
    assert.equal(l10n.t('expected an object { reason?, note? }'), 'expected an object { reason?, note? }');
    assert.equal(l10n.t('{0} { x } {2}', 'a'), 'a { x } {2}');
    assert.equal(l10n.t('{0}', '{1}', 'not rescanned'), '{1}');
  });

  it('translates through the function activate() plugs in', () => {
    useTranslation((message, ...args) => `[${message}|${args.join(',')}]`);
    assert.equal(l10n.t('{0} scored', 5), '[{0} scored|5]');
    useTranslation(undefined);
    assert.equal(l10n.t('{0} scored', 5), '5 scored');
  });

  it('flag reasons and verdicts are shown in the display language, English by default', () => {
    assert.deepEqual(
      reasonLabels().map((r) => r.label),
      Object.values(FLAG_REASON_LABELS),
      'English as the engine words them',
    );
    useTranslation((message) => `«${message}»`);
    assert.equal(verdictLabel('unsure'), '«unsure»');
    assert.ok(reasonLabels().every((r) => r.label.startsWith('«')));
  });

  it("package.json's display name, description and contributions are placeholders that package.nls.json defines, each used", () => {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8');
    const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const contributes = (JSON.parse(manifest) as { contributes: Record<string, unknown> }).contributes;
    const used = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    assert.deepEqual(
      [...used].filter((k) => !(k in nls)),
      [],
      'placeholders package.nls.json lacks',
    );
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'package.nls.json entries nothing uses',
    );
    for (const [key, text] of Object.entries(nls)) assert.ok(text.trim(), `${key} has English text`);

    const c = contributes as {
      commands: { title: string }[];
      configuration: { properties: Record<string, { markdownDescription?: string; enumDescriptions?: string[] }> };
      views: Record<string, { name: string }[]>;
      viewsWelcome: { contents: string }[];
      colors: { description: string }[];
    };
    const isPlaceholder = (text: string | undefined) => text === undefined || /^%[^%]+%$/.test(text);
    for (const cmd of c.commands) assert.ok(isPlaceholder(cmd.title), cmd.title);
    for (const [name, p] of Object.entries(c.configuration.properties)) {
      assert.ok(isPlaceholder(p.markdownDescription), name);
      for (const d of p.enumDescriptions ?? []) assert.ok(isPlaceholder(d), `${name}: ${d}`);
    }
    for (const view of Object.values(c.views).flat()) assert.ok(isPlaceholder(view.name), view.name);
    for (const w of c.viewsWelcome) assert.ok(isPlaceholder(w.contents), w.contents);
    for (const color of c.colors) assert.ok(isPlaceholder(color.description), color.description);
  });
});
