/** DEX-AR math (DESIGN §3) on typed arrays: pure, shared by the engine, the renderer and reports. */
export * from './baselines';
export * from './columns';
export * from './delta';
export * from './evidence';
export * from './geometry';
export * from './maps';
export * from './scores';
export * from './settings';
