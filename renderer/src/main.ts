import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './host/api';
import { setAppContext, WorkstationState } from './state/workstation.svelte';
import './styles/theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('renderer: #app element missing from index.html');

let state: WorkstationState;
try {
  state = new WorkstationState(connectApi());
} catch (err) {
  target.textContent = err instanceof Error ? err.message : String(err);
  throw err;
}
mount(App, { target, context: setAppContext(new Map(), state) });
void state.load();
