/**
 * 0050: the head filter weight w_{l,t,h} beside each per-layer/head detail map, so the head
 * browser can show which heads DEX-AR kept and how strongly. Null for rows saved before.
 */
import type { Database } from 'better-sqlite3';

export function migration0050HeadWeights(db: Database): void {
  db.exec('ALTER TABLE heatmap_details ADD COLUMN weight REAL');
}
