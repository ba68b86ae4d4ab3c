import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LedgerConfig } from './config';
import { LedgerExceptionFilter, validationException } from './http/errors';
import { LedgerModule } from './ledger.module';

/** Request bodies above this are refused with 413 before any parsing work. */
export const BODY_LIMIT = '64kb';

export function configureApp(app: NestExpressApplication): INestApplication {
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new LedgerExceptionFilter());
  app.useGlobalPipes(
    new ValidationPipe({
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

export async function createLedgerApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(LedgerModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? ['error', 'warn'],
  });
  configureApp(app);
  return app;
}
