// Writes a holiday calendar (sdk/data/holidays/<ID>.json) in the layout the
// hand-written files use: top-level keys one per line, one line per source,
// region and holiday, everything else compact with ", " and ": ".

export function compact(value) {
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function lines(entries, open, close) {
  if (entries.length === 0) return `${open}${close}`;
  return `${open}\n${entries.map((e) => `    ${e}`).join(',\n')}\n  ${close}`;
}

export function formatCalendar(doc) {
  const out = Object.entries(doc).map(([key, value]) => {
    let text;
    if ((key === 'sources' || key === 'regions') && value && !Array.isArray(value)) {
      text = lines(Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`), '{', '}');
    } else if ((key === 'holidays' || key === 'working_days') && Array.isArray(value)) {
      text = lines(value.map(compact), '[', ']');
    } else {
      text = compact(value);
    }
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${out.join(',\n')}\n}\n`;
}
