/** Product categories the API knows, and the lot format it accepts (GS1 AI 10 characters, 1–20). */
export const CATEGORIES = [
  "tea",
  "rice",
  "fruit",
  "vegetable",
  "honey",
  "mushroom",
  "forest",
  "aquatic",
  "grain",
  "oil",
];

export const LOT_PATTERN = /^[!"%-?A-Z_a-z]{1,20}$/;
