import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../shared/csp';
import { filesFromArgv } from './argv';
import { isExternalLink, withContentSecurityPolicy } from './windowGuards';

describe('the Content-Security-Policy', () => {
  it("index.html's <meta> carries the same policy as the header", () => {
    const html = readFileSync(join(import.meta.dirname, '../renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy);
  });

  it('allows scripts only from the app, no plugins, no base or form targets', () => {
    const directives = new Map(
      contentSecurityPolicy.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
  });

  it('a response without headers gets the policy', () => {
    expect(withContentSecurityPolicy({ url: 'file:///app/index.html', resourceType: 'mainFrame' })).toEqual({
      responseHeaders: { 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });
});

describe('links and command lines', () => {
  it('only http and https links are external', () => {
    expect(isExternalLink('https://example.com')).toBe(true);
    expect(isExternalLink('HTTP://EXAMPLE.COM')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:void 0', 'data:text/html,x', 'smb://h/s', '', 'https//x']) {
      expect(isExternalLink(url)).toBe(false);
    }
  });

  it('argv: the files after the executable (packaged) or after "electron ." (not), resolved where the command ran', () => {
    expect(filesFromArgv(['/opt/hexlog/hexlog', 'a.log', '--flag', '.', '/var/log/b.log'], true, '/home/me')).toEqual([
      resolve('/home/me', 'a.log'),
      resolve('/var/log/b.log'),
    ]);
    expect(filesFromArgv(['/usr/bin/electron', '.', 'a.log'], false, '/work')).toEqual([resolve('/work', 'a.log')]);
    expect(filesFromArgv(['/opt/hexlog/hexlog'], true, '/')).toEqual([]);
  });
});
