import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of `program` on PATH, or undefined. */
export function which(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
