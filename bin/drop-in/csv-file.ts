/**
 * Windows-1252 where it differs from Latin-1: the bytes 0x80–0x9F are letters and signs (€, ‚, ƒ, „, …, Š,
 * Œ, Ž, ‘ ’ “ ” • – —, ˜, ™, š, œ, ž, Ÿ), not control characters. Node's TextDecoder takes the label
 * `windows-1252` as Latin-1, so these are mapped here; the five bytes Windows-1252 leaves undefined stay as
 * Latin-1 has them.
 */
const cp1252High = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

const decodeWindows1252 = (bytes: Uint8Array): string => {
  let text = '';
  for (const byte of bytes) {
    text += String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? (cp1252High[byte - 0x80] ?? byte) : byte);
  }
  return text;
};

/**
 * The bytes of a CSV file as text: UTF-8 (with or without the BOM Excel writes), else Windows-1252, the
 * encoding Dutch Excel's plain "CSV" uses. A file that is not valid UTF-8 is taken as Windows-1252, which
 * gives every byte a character, so `café` saved either way reads as `café`.
 */
export const decodeCsv = (
  bytes: Uint8Array,
): { readonly text: string; readonly encoding: 'utf-8' | 'windows-1252' } => {
  try {
    // `fatal`: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD; the BOM is dropped.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
};
