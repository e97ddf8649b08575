// electron-builder `beforeBuild` hook (electron-builder.yml). Builds better-sqlite3 for the
// Electron being packaged into build/native/electron/ and returns false, so electron-builder does
// not rebuild node_modules in place for Electron: that would leave the checkout's Node-side
// better-sqlite3 (CLI, headless host, tests) unable to load.
exports.default = async function beforeBuild(context) {
  const { buildElectronSqlite } = await import('./build-native.mjs');
  await buildElectronSqlite({ electronVersion: context.electronVersion, arch: context.arch });
  return false;
};
