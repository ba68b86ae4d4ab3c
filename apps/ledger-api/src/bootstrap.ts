import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { LedgerConfig } from './config';
import { LedgerExceptionFilter, validationException } from './http/errors';
import { StrictValidationPipe } from './http/strict-input';
import { LedgerModule } from './ledger.module';

/** Request bodies above this are refused with 413 before any parsing work. */
export const BODY_LIMIT = '64kb';

export function configureApp(app: NestExpressApplication): INestApplication {
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new LedgerExceptionFilter());
  app.useGlobalPipes(
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: validationException,
    }),
  );
  app.enableShutdownHooks();
  return app;
}

/**
 * The Express instance, configured before Nest adds anything to it (Express fixes its query
 * parser when the first middleware is added): query strings are parsed flat (node:querystring),
 * so `a[b]=` builds no nested objects and keys like `__proto__` reach validation and are refused,
 * instead of being dropped silently by qs.
 */
function expressAdapter(): ExpressAdapter {
  const adapter = new ExpressAdapter();
  adapter.set('query parser', 'simple');
  return adapter;
}

export async function createLedgerApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(LedgerModule.forRoot(config), expressAdapter(), {
    bodyParser: false,
    // Start-up errors (a malformed policy file, an unreadable store) reach the caller, which
    // prints them plainly, instead of Nest exiting the process from inside.
    abortOnError: false,
    logger: options.logger ?? ['error', 'warn'],
  });
  configureApp(app);
  return app;
}
