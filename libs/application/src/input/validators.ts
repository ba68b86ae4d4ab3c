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

export function IsBusinessDate(validationOptions?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBusinessDate',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => isBusinessDate(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a real calendar date written YYYY-MM-DD`,
      },
    });
}
