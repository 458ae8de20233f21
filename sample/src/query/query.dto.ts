import { IsInt } from 'class-validator';

/** `?q=3` arrives as the number 3; `?q=abc` fails `isInt` with loc `['query', 'q']`. */
export class QueryDto {
  @IsInt()
  q!: number;
}
