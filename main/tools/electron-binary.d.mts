export function findElectronBinary(root: string): string | undefined;
