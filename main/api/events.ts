/** Typed, validated event fan-out from services to whichever host is attached. */
import type { EventName, EventPayload } from '../../shared/api/contract';
import { parseEventPayload } from '../../shared/api/validate';

export type EventSink = (event: EventName, payload: unknown) => void;

export class EventBus {
  readonly #sinks = new Set<EventSink>();

  /** Adds a sink (an Electron window, a WebSocket hub); returns its remover. */
  attach(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = parseEventPayload(event, payload);
    for (const sink of this.#sinks) sink(event, checked);
  }
}
