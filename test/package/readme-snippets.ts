import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** README.md as the tests read it: they build from its snippets, so that they fail when it drifts. */
export const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The text under `## title`, up to the next `## ` heading. */
export function readmeSection(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The contents of the fenced blocks of one language, in order. */
export function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(match => match[1]!);
}

/**
 * `main.ts` and every file it imports relatively (`./app.module.js` → `app.module.ts`), each
 * from the README's TypeScript block that starts with its name (`// app.module.ts`).
 */
export function readmeApp(entry = 'main.ts'): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const block of codeBlocks(readme, 'ts')) {
    const name = /^\/\/ ([\w.-]+\.ts)\n/.exec(block)?.[1];
    if (name) blocks.set(name, block);
  }
  const files = new Map<string, string>();
  const visit = (name: string) => {
    if (files.has(name)) return;
    const text = blocks.get(name);
    if (text === undefined) throw new Error(`README.md has no \`// ${name}\` block`);
    files.set(name, text);
    for (const match of text.matchAll(/from '\.\/([\w.-]+)\.js'/g)) visit(`${match[1]}.ts`);
  };
  visit(entry);
  return files;
}
