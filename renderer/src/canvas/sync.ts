/**
 * Keeps a Konva container's children in step with a list of items: nodes are created once per
 * id, updated in place, reordered to match the list, and destroyed when their item goes.
 */
import type Konva from 'konva';

export interface NodeSync<T extends { id: string }, N extends Konva.Node> {
  create(item: T): N;
  update(node: N, item: T): void;
}

export function syncNodes<T extends { id: string }, N extends Konva.Node>(
  container: Konva.Container,
  items: readonly T[],
  nodes: Map<string, N>,
  sync: NodeSync<T, N>,
): void {
  const wanted = new Set(items.map((item) => item.id));
  for (const [id, node] of nodes) {
    if (!wanted.has(id)) {
      node.destroy();
      nodes.delete(id);
    }
  }
  items.forEach((item, index) => {
    let node = nodes.get(item.id);
    if (!node) {
      node = sync.create(item);
      nodes.set(item.id, node);
      container.add(node as unknown as Konva.Group);
    }
    sync.update(node, item);
    node.zIndex(index);
  });
}
