import type { ReactNode } from "react";
import { navigate } from "../../shell/router";

/** A link to another console screen: a real href (new tab, copy link) that navigates in place on a click. */
export function ConsoleLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={`/console${to}`}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
