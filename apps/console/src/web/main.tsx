import { render } from 'preact';
import { ConsoleApi } from './api.js';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App api={new ConsoleApi('')} />, root);
