export function checkLayers(root?: string): string[];
