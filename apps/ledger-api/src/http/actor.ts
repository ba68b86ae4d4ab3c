import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { RecordedBy } from '@ledger/domain';

/**
 * Who is calling, as the authentication guard established it. Until a guard sets it, requests
 * are recorded as the local clerk: the seam where access control plugs in.
 */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): RecordedBy => {
  const request = context.switchToHttp().getRequest<{ actor?: RecordedBy }>();
  return request.actor ?? { subject: 'local', role: 'clerk' };
});
