import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { EntityGraphProps, PlacedNode } from './EntityGraph.types.js';
import { buildEntityGraph, describeNode, layoutEntityGraph } from './layoutEntityGraph.js';

export function useEntityGraph({ entities, timeline, onOpenAgent }: EntityGraphProps) {
  const layout = useMemo(() => {
    const { nodes, edges } = buildEntityGraph(entities, timeline);
    return layoutEntityGraph(nodes, edges);
  }, [entities, timeline]);
  const labels = useMemo(
    () => new Map(layout.nodes.map((n) => [n.id, describeNode(n, layout.nodes, layout.edges)])),
    [layout],
  );
  const [focused, setFocused] = useState<string | null>(null);
  const refs = useRef(new Map<string, SVGGElement>());

  const focusNode = (node: PlacedNode | undefined) => {
    if (node) refs.current.get(node.id)?.focus();
  };

  /** Arrows move between nodes: up/down within a column, left/right to a linked (or the nearest) node. */
  const onKeyDown = (event: KeyboardEvent<SVGGElement>, node: PlacedNode) => {
    const sameColumn = layout.nodes.filter((n) => n.column === node.column);
    const across = (column: number) => {
      const candidates = layout.nodes.filter((n) => n.column === column);
      const linked = candidates.find((c) =>
        layout.edges.some((e) => (e.from === node.id && e.to === c.id) || (e.to === node.id && e.from === c.id)),
      );
      return linked ?? candidates[Math.min(node.row, candidates.length - 1)];
    };
    switch (event.key) {
      case 'ArrowDown':
        focusNode(sameColumn[node.row + 1]);
        break;
      case 'ArrowUp':
        focusNode(sameColumn[node.row - 1]);
        break;
      case 'ArrowRight':
        focusNode(across(node.column + 1));
        break;
      case 'ArrowLeft':
        focusNode(across(node.column - 1));
        break;
      case 'Enter':
      case ' ':
        if (node.kind === 'agent' && onOpenAgent) onOpenAgent(node.entityId);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const isLinked = (edge: { from: string; to: string }) =>
    focused !== null && (edge.from === focused || edge.to === focused);
  return { layout, labels, focused, setFocused, refs, onKeyDown, isLinked };
}
