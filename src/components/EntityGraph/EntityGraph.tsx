import { mergeClasses } from '@fluentui/react-components';
import type { EntityGraphProps } from './EntityGraph.types.js';
import { KIND_TITLE, truncate } from './layoutEntityGraph.js';
import { useEntityGraph } from './useEntityGraph.js';
import { useEntityGraphStyles } from './useEntityGraphStyles.styles.js';

/**
 * The incident's entities as an SVG: a column per type (IPs, users, agents, tools) and edges
 * ip -> user -> agent -> tool. Every node is focusable and named for assistive technology, with its
 * links in the name; arrows move between nodes; an agent node opens the agent.
 */
export function EntityGraph(props: EntityGraphProps) {
  const styles = useEntityGraphStyles();
  const { layout, labels, focused, setFocused, refs, onKeyDown, isLinked } = useEntityGraph(props);
  const { nodeWidth: w, nodeHeight: h } = layout;
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));

  return (
    <div className={styles.scroller}>
      <svg
        className={styles.svg}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label="Entity graph"
      >
        {layout.columns.map((c) => (
          <text key={c.kind} x={c.x} y={18} className={styles.columnTitle} aria-hidden="true">
            {c.title}
          </text>
        ))}
        <g aria-hidden="true">
          {layout.edges.map((edge) => {
            const from = byId.get(edge.from);
            const to = byId.get(edge.to);
            if (!from || !to) return null;
            const x1 = from.x + w;
            const y1 = from.y + h / 2;
            const x2 = to.x;
            const y2 = to.y + h / 2;
            const mid = (x1 + x2) / 2;
            return (
              <path
                key={`${edge.from}>${edge.to}`}
                d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`}
                className={mergeClasses(styles.edge, isLinked(edge) && styles.edgeActive)}
              />
            );
          })}
        </g>
        {layout.columns.map((c) => (
          <g key={c.kind} role="list" aria-label={KIND_TITLE[c.kind]}>
            {layout.nodes
              .filter((n) => n.kind === c.kind)
              .map((node) => {
                const isAgent = node.kind === 'agent' && Boolean(props.onOpenAgent);
                return (
                  <g key={node.id} role="listitem">
                    <g
                      ref={(el) => {
                        if (el) refs.current.set(node.id, el);
                        else refs.current.delete(node.id);
                      }}
                      tabIndex={0}
                      role={isAgent ? 'link' : 'img'}
                      aria-label={labels.get(node.id)}
                      className={mergeClasses(styles.node, isAgent && styles.nodeLink)}
                      onFocus={() => setFocused(node.id)}
                      onBlur={() => setFocused(null)}
                      onKeyDown={(e) => onKeyDown(e, node)}
                      onClick={isAgent ? () => props.onOpenAgent?.(node.entityId) : undefined}
                      transform={`translate(${node.x} ${node.y})`}
                    >
                      <title>{labels.get(node.id)}</title>
                      <rect
                        width={w}
                        height={h}
                        rx={6}
                        className={mergeClasses(
                          styles.box,
                          node.kind === 'agent' && styles.agentBox,
                          node.kind === 'user' && styles.userBox,
                          focused === node.id && styles.focusBox,
                        )}
                      />
                      <text x={10} y={20} className={styles.label}>
                        {truncate(node.label, 24)}
                      </text>
                      <text x={10} y={38} className={styles.detail}>
                        {truncate(node.detail, 30)}
                      </text>
                    </g>
                  </g>
                );
              })}
          </g>
        ))}
      </svg>
    </div>
  );
}
