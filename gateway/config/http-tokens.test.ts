import t from 'tap';
import { loadConfig } from './index.ts';

t.test('http.whepToken / http.whipToken from the environment', async (t) => {
  const { config } = loadConfig({ env: { EDGEGW_WHEP_TOKEN: 'viewer-tok', EDGEGW_WHIP_TOKEN: 'pub-tok' } });
  t.equal(config.http.whepToken, 'viewer-tok');
  t.equal(config.http.whipToken, 'pub-tok');
  const open = loadConfig({ env: {} }).config;
  t.equal(open.http.whepToken, undefined, 'unset: WHEP is open');
  t.equal(open.http.whipToken, undefined);
});

t.test('a token with surrounding whitespace is refused, naming the variable', async (t) => {
  t.throws(
    () => loadConfig({ env: { EDGEGW_WHEP_TOKEN: 'tok\n' } }),
    /http\.whepToken \(from EDGEGW_WHEP_TOKEN\)/,
  );
  t.throws(
    () => loadConfig({ env: { EDGEGW_WHIP_TOKEN: ' tok' } }),
    /http\.whipToken \(from EDGEGW_WHIP_TOKEN\)/,
  );
});
