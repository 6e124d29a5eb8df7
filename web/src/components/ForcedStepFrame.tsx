import type { ReactNode } from 'react';
import { LanguageSwitch } from './LanguageSwitch';

/**
 * A step the server holds a session to (forced password change, forced second-factor set-up) stands alone on the
 * sign-in screen; the same card reached from the user menu sits in the normal page frame.
 */
export function ForcedStepFrame({ forced, children }: { forced: boolean; children: ReactNode }) {
  if (!forced) return <div className="page narrow-page">{children}</div>;
  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      {children}
    </div>
  );
}
