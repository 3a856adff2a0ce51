/** Entry point of the Caravan web app (built by Vite into dist/web and served by `caravan serve`). */
import { render } from "preact";
import { App } from "./App";
import "./styles.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
