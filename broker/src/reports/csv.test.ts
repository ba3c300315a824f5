import { describe, expect, it } from 'vitest';
import { reportCsv } from './csv.js';

describe('report CSV', () => {
  it('writes a BOM, a header, RFC 4180 quoting and CRLF line ends', () => {
    const csv = reportCsv({
      columns: ['stopName', 'visits', 'note'],
      rows: [
        { stopName: 'Place de l’église, "haut"', visits: 3, note: null },
        { stopName: 'Mairie; annexe', visits: -1, note: 'a\nb' },
      ],
    });
    expect(csv).toBe(
      '\uFEFFstopName,visits,note\r\n"Place de l’église, ""haut""",3,\r\nMairie; annexe,-1,"a\nb"\r\n',
    );
  });

  it('keeps a spreadsheet from taking a name for a formula', () => {
    const csv = reportCsv({
      columns: ['stopName'],
      rows: [{ stopName: '=HYPERLINK("http://x")' }, { stopName: '@SUM(1)' }, { stopName: '-2' }],
    });
    expect(csv.split('\r\n').slice(1, 4)).toEqual([
      `"'=HYPERLINK(""http://x"")"`,
      "'@SUM(1)",
      "'-2",
    ]);
  });
});
