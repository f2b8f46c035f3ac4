// Prints every code point whose NFD differs from itself, with its NFD as UTF-16 units (hex), one per line:
// "CODEPOINT UNIT UNIT ...". CanonicalDecompositionTests compares this with CanonicalDecomposition.
const lines = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const s = String.fromCodePoint(cp);
  const d = s.normalize("NFD");
  if (d === s) continue;
  const units = [];
  for (let i = 0; i < d.length; i++) units.push(d.charCodeAt(i).toString(16));
  lines.push(cp.toString(16) + " " + units.join(" "));
}
process.stdout.write(lines.join("\n") + "\n");
