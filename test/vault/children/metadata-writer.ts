// Adds `count` servers to the vault in `home`, one locked read-modify-write
// each, to race with another process doing the same.
import { openVault } from '../../../src/vault';

const [home = '', writer = 'a', count = '50'] = process.argv.slice(2);
const vault = await openVault({ home });
for (let index = 0; index < Number(count); index += 1) {
  await vault.addServer({
    baseUrl: `http://127.0.0.1/${writer}/${index}`,
    name: `${writer}-${index}`,
    mintMethod: 'authorize',
  });
}
console.log('done');
