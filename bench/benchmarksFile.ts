// Writing a bench script's section into BENCHMARKS.md: the text between
// `<!-- bench/NAME:start -->` and `<!-- bench/NAME:end -->` is replaced (or appended when absent).
import { readFileSync, writeFileSync } from "node:fs";

export function replaceSection(path: string, name: string, body: string): void {
  const startMark = `<!-- bench/${name}:start -->`;
  const endMark = `<!-- bench/${name}:end -->`;
  const section = `${startMark}\n${body}\n${endMark}`;
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(startMark);
  const end = text.indexOf(endMark);
  const next = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + endMark.length) : text.trimEnd() + "\n\n" + section + "\n";
  writeFileSync(path, next);
  console.error(`bench/${name}: wrote the section to ${path}`);
}
