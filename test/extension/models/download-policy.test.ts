// Where model files may come from, hop by hop: the URL policy as a function, and the redirect
// follower with a stand-in fetch for what a local test server cannot be (https hosts, a CDN).
import assert from 'node:assert/strict';
import { backoffMs, MAX_RETRY_DELAY_MS } from '../../../src/extension/models/download-file';
import { MAX_REDIRECTS, requestFollowingRedirects } from '../../../src/extension/models/download-request';
import { RefusedUrl, redirectRefusal, safeUrl, urlRefusal } from '../../../src/extension/models/download-url-policy';

const u = (s: string) => new URL(s);

describe('download URL policy', () => {
  it('https anywhere; plain http only to this machine; no other scheme; no credentials', () => {
    for (const ok of [
      'https://models.example/a.onnx',
      'http://localhost:8080/a',
      'http://127.0.0.1/a',
      'http://127.1.2.3/a',
      'http://[::1]:9/a',
    ])
      assert.equal(urlRefusal(u(ok)), undefined, ok);
    assert.equal(
      urlRefusal(u('http://models.example/a')),
      'http://models.example/a is not https (plain http is allowed only to localhost)',
    );
    assert.equal(
      urlRefusal(u('http://localhost.evil.example/a')),
      'http://localhost.evil.example/a is not https (plain http is allowed only to localhost)',
    );
    assert.equal(
      urlRefusal(u('ftp://models.example/a')),
      'ftp://models.example/a is not https (scheme ftp: is not allowed)',
    );
    assert.equal(urlRefusal(u('data:text/plain,hi')), 'data:text/plain,hi is not https (scheme data: is not allowed)');
    assert.equal(
      urlRefusal(u('https://me:pw@models.example/a')),
      'https://models.example/a carries credentials in the URL; refused',
    );
  });

  it('every redirect hop: never leaves https (not even for localhost), never to plain http elsewhere or another scheme', () => {
    assert.equal(
      redirectRefusal(u('https://models.example/a'), u('https://cdn.example/b?sig=1')),
      undefined,
      'https to another https host (a CDN)',
    );
    assert.equal(redirectRefusal(u('http://localhost:1/a'), u('http://127.0.0.1:2/b')), undefined);
    assert.equal(redirectRefusal(u('http://localhost:1/a'), u('https://models.example/b')), undefined, 'an upgrade');
    assert.equal(
      redirectRefusal(u('https://models.example/a'), u('http://models.example/a')),
      'redirect from https://models.example/a refused: http://models.example/a is not https (plain http is allowed only to localhost)',
    );
    assert.equal(
      redirectRefusal(u('https://models.example/a'), u('http://localhost:1/a')),
      'redirect from https://models.example/a to http://localhost:1/a refused: it leaves https',
    );
    assert.equal(
      redirectRefusal(u('http://localhost:1/a'), u('http://models.example/a')),
      'redirect from http://localhost:1/a refused: http://models.example/a is not https (plain http is allowed only to localhost)',
    );
    assert.match(
      redirectRefusal(u('https://models.example/a'), u('file:///etc/passwd')) ?? '',
      /scheme file: is not allowed/,
    );
    assert.match(
      redirectRefusal(u('https://models.example/a'), u('ws://models.example/a')) ?? '',
      /scheme ws: is not allowed/,
    );
  });

  it('messages show URLs without credentials or query tokens', () => {
    assert.equal(safeUrl('https://me:pw@cdn.example/f.onnx?X-Amz-Signature=abc#x'), 'https://cdn.example/f.onnx?…');
    assert.equal(safeUrl('http://127.0.0.1:8/a'), 'http://127.0.0.1:8/a');
    assert.equal(safeUrl('not a url'), '(not a valid URL)');
  });

  it('retry delays double from the base and are capped', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((a) => backoffMs(a)),
      [500, 1000, 2000, 4000],
    );
    assert.deepEqual(
      [0, 1, 2].map((a) => backoffMs(a, 10)),
      [10, 20, 40],
    );
    assert.equal(backoffMs(30), MAX_RETRY_DELAY_MS);
  });
});

describe('redirect following (stand-in fetch)', () => {
  /** A fetch answering from a table of URL → [status, location?]; records every call. */
  function fakeFetch(table: Record<string, [number, string?]>) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fn = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      calls.push({ url, init: init ?? {} });
      const [status, location] = table[url] ?? [404];
      return new Response(status === 200 ? 'bytes' : null, { status, headers: location ? { location } : {} });
    }) as typeof fetch;
    return { fn, calls };
  }

  it('https → https on another host is followed, the Range sent again, with manual redirects and no content encoding', async () => {
    const f = fakeFetch({
      'https://models.example/tiny/a.onnx': [302, 'https://cdn.example/blob/a?sig=1'],
      'https://cdn.example/blob/a?sig=1': [200],
    });
    const { response, url } = await requestFollowingRedirects('https://models.example/tiny/a.onnx', {
      headers: { Range: 'bytes=10-' },
      fetch: f.fn,
    });
    assert.equal(response.status, 200);
    assert.equal(url.href, 'https://cdn.example/blob/a?sig=1');
    assert.deepEqual(
      f.calls.map((c) => c.url),
      ['https://models.example/tiny/a.onnx', 'https://cdn.example/blob/a?sig=1'],
    );
    for (const c of f.calls) {
      assert.equal(c.init.redirect, 'manual');
      assert.deepEqual(c.init.headers, { 'accept-encoding': 'identity', Range: 'bytes=10-' });
    }
  });

  it('https → plain http (same host, or localhost) is refused before it is fetched', async () => {
    for (const to of ['http://models.example/tiny/a.onnx', 'http://localhost:8000/a.onnx', 'http://127.0.0.1/a']) {
      const f = fakeFetch({ 'https://models.example/tiny/a.onnx': [301, to] });
      await assert.rejects(
        requestFollowingRedirects('https://models.example/tiny/a.onnx', { fetch: f.fn }),
        (err: Error) => {
          assert.ok(err instanceof RefusedUrl);
          assert.match(err.message, /^redirect from https:\/\/models\.example\/tiny\/a\.onnx (to .* )?refused: /);
          return true;
        },
      );
      assert.equal(f.calls.length, 1, `${to} was not fetched`);
    }
  });

  it('a relative Location resolves against the hop that sent it; a redirect without one is refused', async () => {
    const f = fakeFetch({
      'https://m.example/a/b': [307, '../c'],
      'https://m.example/c': [308, '/d'],
      'https://m.example/d': [200],
    });
    assert.equal(
      (await requestFollowingRedirects('https://m.example/a/b', { fetch: f.fn })).url.href,
      'https://m.example/d',
    );
    const g = fakeFetch({ 'https://m.example/x': [302] });
    await assert.rejects(
      requestFollowingRedirects('https://m.example/x', { fetch: g.fn }),
      /^RefusedUrl: https:\/\/m\.example\/x answered 302 \(a redirect\) without a Location$/,
    );
  });

  it(`at most ${MAX_REDIRECTS} hops`, async () => {
    const table: Record<string, [number, string?]> = {};
    for (let i = 0; i < 10; i++) table[`https://m.example/${i}`] = [302, `https://m.example/${i + 1}`];
    table['https://m.example/5'] = [200];
    assert.equal(
      (await requestFollowingRedirects('https://m.example/0', { fetch: fakeFetch(table).fn })).url.href,
      'https://m.example/5',
    );
    table['https://m.example/5'] = [302, 'https://m.example/6'];
    const f = fakeFetch(table);
    await assert.rejects(
      requestFollowingRedirects('https://m.example/0', { fetch: f.fn }),
      /^RefusedUrl: more than 5 redirects from https:\/\/m\.example\/0 \(the limit is 5; the last went to https:\/\/m\.example\/6\)$/,
    );
    assert.equal(f.calls.length, 6);
  });

  it('the first URL is checked too', async () => {
    const f = fakeFetch({});
    await assert.rejects(
      requestFollowingRedirects('http://models.example/a', { fetch: f.fn }),
      /^RefusedUrl: http:\/\/models\.example\/a is not https/,
    );
    assert.equal(f.calls.length, 0);
  });
});
