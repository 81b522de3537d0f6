import { useEffect } from 'react';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.ts';

/** Each role starts where its work is: operators at the rules, agents at the queue. */
export function StaffHome() {
  const me = useSession('staff');
  useEffect(() => {
    if (me) navigate(me.agent.role === 'operator' ? '/staff/settings' : '/staff/queue', { replace: true });
  }, [me]);
  return null;
}
