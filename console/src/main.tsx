import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import "./console.css";

const root = document.getElementById("root")!;
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
handOverFirstScreen(root);

/**
 * The service may render the first screen into index.html (a producer's batch list, decision 0030)
 * with the app hidden behind it by that screen's CSS. It stays until the app shows a screen of its
 * own: a page title (every screen and the login page have one) and no spinner left, so the list
 * never flickers through a loading state. Then it is removed and the app is seen.
 */
function handOverFirstScreen(appRoot: HTMLElement): void {
  const firstScreen = document.getElementById("first-screen");
  if (!firstScreen) return;
  const ready = () =>
    appRoot.querySelector("h1") !== null && appRoot.querySelector(".ant-spin-spinning") === null;
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    observer.disconnect();
    firstScreen.remove();
  });
  observer.observe(appRoot, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
}
