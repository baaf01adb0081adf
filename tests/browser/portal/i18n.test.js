// Every UI key exists in both languages and every data-i18n key used by the pages is defined.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const assert = require('assert');
const file = process.argv[2];
const ctx = { window: {}, document: { addEventListener() {}, documentElement: { dataset: {} } },
  navigator: { language: 'en' }, localStorage: { getItem() { return null; }, setItem() {} },
  matchMedia() { return { matches: false }; } };
ctx.window.matchMedia = ctx.matchMedia;
vm.runInNewContext(fs.readFileSync(file, 'utf8'), ctx);
const { en, ru } = ctx.window.GH_I18N;
const missingRu = Object.keys(en).filter((k) => !(k in ru));
const missingEn = Object.keys(ru).filter((k) => !(k in en));
assert.deepStrictEqual(missingRu, [], 'missing in ru: ' + missingRu.join(', '));
assert.deepStrictEqual(missingEn, [], 'missing in en: ' + missingEn.join(', '));
const web = path.dirname(file);
const used = new Set();
for (const f of fs.readdirSync(web)) {
  const text = fs.readFileSync(path.join(web, f), 'utf8');
  for (const m of text.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)) used.add(m[1]);
  for (const m of text.matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z_.]*[a-zA-Z_])'/g)) used.add(m[1]);
}
const undefinedKeys = [...used].filter((k) => !(k in en));
assert.deepStrictEqual(undefinedKeys, [], 'used but not defined: ' + undefinedKeys.join(', '));
console.log('i18n: ' + Object.keys(en).length + ' keys in en and ru; ' + used.size + ' used directly');
