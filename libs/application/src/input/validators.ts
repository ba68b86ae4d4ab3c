import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isBusinessDate, isMoneyText, money } from '@ledger/domain';

/** A yuan amount as a string with at most two decimals; `positive` also refuses zero. */
export function IsMoney(options: { positive?: boolean; allowZero?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoney',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (!isMoneyText(value)) return false;
          const amount = money(value);
          if (amount.isNegative()) return false;
          return options.positive ? amount.greaterThan(0) : true;
        },
        defaultMessage(args: ValidationArguments) {
          const wanted = options.positive ? 'a positive' : 'a non-negative';
          return `${args.property} must be ${wanted} yuan amount as a string with at most two decimals (e.g. "380.00")`;
        },
      },
    });
}

/**
 * The years a fact may be dated in (and a `year` field may name). Every deadline the ledger and the
 * auditor derive from a fact (a payment 10 days after a decision, a window 12 months back, the end
 * of a month) stays a real calendar date inside them, so no recorded fact can make the arithmetic
 * leave the calendar (a fact dated 9999-12-31 would make every later audit fail).
 */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2100;

function isRecordableDate(value: unknown): boolean {
  if (!isBusinessDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= YEAR_MIN && year <= YEAR_MAX;
}

/** One check for both kinds of date: only the constraint's name (what a client sees in errors) differs. */
function recordableDate(name: string, validationOptions?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: isRecordableDate,
        defaultMessage: (args: ValidationArguments) =>
          isBusinessDate(args.value)
            ? `${args.property} must be a date in the years ${YEAR_MIN} to ${YEAR_MAX}`
            : `${args.property} must be a real calendar date written YYYY-MM-DD`,
      },
    });
}

/** A business date of a fact being recorded: a real calendar day in the years YEAR_MIN..YEAR_MAX. */
export function IsBusinessDate(validationOptions?: ValidationOptions) {
  return recordableDate('isBusinessDate', validationOptions);
}

/**
 * A date a question is asked about (`asOf`, a statement's range, an audit's cut-off): the same
 * years. Every answer derives further dates from it (the month's end, the 12 months before it),
 * and past 2100 there is nothing recorded to ask about.
 */
export function IsQueryDate(validationOptions?: ValidationOptions) {
  return recordableDate('isQueryDate', validationOptions);
}
