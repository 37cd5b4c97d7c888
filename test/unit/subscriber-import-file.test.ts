import { describe, expect, it } from 'vitest';
import { decodeCsv } from '../../bin/drop-in/csv-file';
import {
  readImportFile,
  sortRows,
  UnreadableImportFile,
} from '../../functions/core/subscriptions/import-file';

describe('a subscriber file', () => {
  it('reads Dutch Excel: semicolons, a BOM, a header with the address and the name', () => {
    const file = readImportFile(
      '\uFEFFNaam;E-mailadres;Organisatie\r\nSanne Jansen;Sanne@Example.org;Jongerenwerk\r\n',
    );
    expect(file).toEqual({
      separator: ';',
      header: true,
      rows: [{ line: 2, email: 'Sanne@Example.org', name: 'Sanne Jansen' }],
    });
  });

  it('reads commas, quoted cells with the separator, quotes and a line break, and first and last names', () => {
    const file = readImportFile(
      'voornaam,achternaam,email\n"Anna, Maria","de ""Groot""",anna@example.org\n"Jan\nPiet",Bakker,jan@example.org\n\nEva,,eva@example.org',
    );
    expect(file.separator).toBe(',');
    expect(file.rows).toEqual([
      { line: 2, email: 'anna@example.org', name: 'Anna, Maria de "Groot"' },
      { line: 3, email: 'jan@example.org', name: 'Jan Piet Bakker' },
      { line: 6, email: 'eva@example.org', name: 'Eva' },
    ]);
  });

  it('finds the addresses without a header, and the name beside them', () => {
    expect(readImportFile('lid@example.org;Lid Een\nander@example.org').rows).toEqual([
      { line: 1, email: 'lid@example.org', name: 'Lid Een' },
      { line: 2, email: 'ander@example.org' },
    ]);
  });

  it('takes the e-mail column in a list with a postal address beside it, and no phone number for a name', () => {
    const withAddress = readImportFile(
      'Naam;Adres;Postcode;Plaats;E-mailadres\nSam Jansen;Markt 1;4611 AA;Bergen op Zoom;sam@x.example\n',
    );
    expect(withAddress.rows).toEqual([{ line: 2, email: 'sam@x.example', name: 'Sam Jansen' }]);
    const noHeader = readImportFile('sam@x.example;0612345678\nnoor@x.example;Noor Bakker\n');
    expect(noHeader.rows).toEqual([
      { line: 1, email: 'sam@x.example' },
      { line: 2, email: 'noor@x.example', name: 'Noor Bakker' },
    ]);
  });

  it('says what is wrong with a file that is no list of subscribers', () => {
    expect(() => readImportFile('  \n')).toThrow(new UnreadableImportFile('Het bestand is leeg.'));
    expect(() => readImportFile('naam;organisatie\nSanne;Jongerenwerk')).toThrow(
      /Geen kolom met e-mailadressen/,
    );
    expect(() => readImportFile('email\n"open@example.org\n')).toThrow(/regel 2 sluit niet af/);
  });

  it('reports invalid addresses and later duplicates by line, compared as the person id is (case, spaces)', () => {
    const rows = readImportFile(
      'email,naam\na@example.org\ngeen-adres\nA@Example.org ,A\n\n,Sanne\nb@example.org',
    ).rows;
    const sorted = sortRows(rows, (email) => (email.includes('@') ? undefined : 'Geen geldig e-mailadres.'));
    expect(sorted.unique.map((row) => [row.line, row.email])).toEqual([
      [2, 'a@example.org'],
      [7, 'b@example.org'],
    ]);
    expect(sorted.problems).toEqual([
      { line: 3, kind: 'invalid', reason: 'Geen geldig e-mailadres.' },
      { line: 4, kind: 'duplicate', firstLine: 2 },
      { line: 6, kind: 'invalid', reason: 'Geen e-mailadres.' },
    ]);
  });
});

describe('the bytes of a CSV file', () => {
  const text = 'naam;e-mailadres\nRené Cöurt;rene@example.org\n';
  it('reads UTF-8 with or without a BOM, and Windows-1252', () => {
    const utf8 = Buffer.from(text, 'utf8');
    expect(decodeCsv(utf8)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toEqual({
      text,
      encoding: 'utf-8',
    });
    // Windows-1252: é is 0xE9, ö is 0xF6 — not valid UTF-8 on their own.
    const cp1252 = Buffer.from(text, 'latin1');
    expect(cp1252.includes(0xe9)).toBe(true);
    expect(decodeCsv(cp1252)).toEqual({ text, encoding: 'windows-1252' });
    // The euro sign is where Windows-1252 differs from Latin-1.
    expect(decodeCsv(Buffer.from([0x80, 0x93, 0x94, 0x96])).text).toBe('€“”–');
  });
});
