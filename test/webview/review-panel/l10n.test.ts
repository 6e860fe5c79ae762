// The webview's strings: English as written, or the bundle the host put in the page.
import assert from 'node:assert/strict';
import { l10n, useBundle } from '../../../webview/review-panel/l10n';
import { panelHtml } from '../../../src/extension/panel/panel-html';

describe('webview l10n', () => {
  afterEach(() => useBundle(undefined));

  it('fills in the placeholders of the English text when no bundle is given', () => {
    assert.equal(l10n.t('Cannot show {0}: {1}', 'a.png', 'gone'), 'Cannot show a.png: gone');
    assert.equal(l10n.t('{0} · sentence {1}', 'patch', 3), 'patch · sentence 3');
    assert.equal(l10n.t('braces {x} stay'), 'braces {x} stay');
  });

  it('translates from the bundle the host put in the page, and ignores a malformed one', () => {
    const html = panelHtml({
      cspSource: 'C',
      scriptUri: 's.js',
      styleUri: 's.css',
      title: 't',
      l10n: { 'Cannot show {0}: {1}': 'Kann {0} nicht zeigen: {1}', Keys: 'Tasten' },
      lang: 'de',
      loading: 'Lädt…',
    });
    const attribute = /data-l10n="([^"]*)"/
      .exec(html)![1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    useBundle(attribute);
    assert.equal(l10n.t('Keys'), 'Tasten');
    assert.equal(l10n.t('Cannot show {0}: {1}', 'a.png', 'weg'), 'Kann a.png nicht zeigen: weg');
    assert.equal(l10n.t('Save'), 'Save', 'a string the bundle lacks stays English');
    assert.ok(html.includes('<html lang="de">') && html.includes('>Lädt…</div>'));
    useBundle('{not json');
    assert.equal(l10n.t('Keys'), 'Keys');
  });
});
