/** mulberry32, seeded: the same generator `dermrules diff` draws its claims from (review/generate.ts). */
export { seededRandom as rng } from "../../review/generate.ts";
