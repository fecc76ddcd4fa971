import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** After the run: stop the guests the tests started. */
export default function globalTeardown() {
  execFileSync(path.join(__dirname, 'stop-guests.sh'), { stdio: 'inherit' });
}
