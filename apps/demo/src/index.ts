export { runDemo, SCENES, BOTS_DIR } from './demo.js';
