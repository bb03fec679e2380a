import { divisionNames } from "./division-names";

/** Province-level names of GB/T 2260 codes (first two digits), for the consumer page. */
const PROVINCES: Record<string, { zh: string; en: string }> = {
  "11": { zh: "北京市", en: "Beijing" },
  "12": { zh: "天津市", en: "Tianjin" },
  "13": { zh: "河北省", en: "Hebei" },
  "14": { zh: "山西省", en: "Shanxi" },
  "15": { zh: "内蒙古自治区", en: "Inner Mongolia" },
  "21": { zh: "辽宁省", en: "Liaoning" },
  "22": { zh: "吉林省", en: "Jilin" },
  "23": { zh: "黑龙江省", en: "Heilongjiang" },
  "31": { zh: "上海市", en: "Shanghai" },
  "32": { zh: "江苏省", en: "Jiangsu" },
  "33": { zh: "浙江省", en: "Zhejiang" },
  "34": { zh: "安徽省", en: "Anhui" },
  "35": { zh: "福建省", en: "Fujian" },
  "36": { zh: "江西省", en: "Jiangxi" },
  "37": { zh: "山东省", en: "Shandong" },
  "41": { zh: "河南省", en: "Henan" },
  "42": { zh: "湖北省", en: "Hubei" },
  "43": { zh: "湖南省", en: "Hunan" },
  "44": { zh: "广东省", en: "Guangdong" },
  "45": { zh: "广西壮族自治区", en: "Guangxi" },
  "46": { zh: "海南省", en: "Hainan" },
  "50": { zh: "重庆市", en: "Chongqing" },
  "51": { zh: "四川省", en: "Sichuan" },
  "52": { zh: "贵州省", en: "Guizhou" },
  "53": { zh: "云南省", en: "Yunnan" },
  "54": { zh: "西藏自治区", en: "Tibet" },
  "61": { zh: "陕西省", en: "Shaanxi" },
  "62": { zh: "甘肃省", en: "Gansu" },
  "63": { zh: "青海省", en: "Qinghai" },
  "64": { zh: "宁夏回族自治区", en: "Ningxia" },
  "65": { zh: "新疆维吾尔自治区", en: "Xinjiang" },
  "71": { zh: "台湾省", en: "Taiwan" },
  "81": { zh: "香港特别行政区", en: "Hong Kong" },
  "82": { zh: "澳门特别行政区", en: "Macao" },
};

export function provinceName(regionCode: string | undefined, lang: "zh" | "en"): string | null {
  if (!regionCode) return null;
  return PROVINCES[regionCode.slice(0, 2)]?.[lang] ?? null;
}

/** A GB/T 2260 region as pages and reports show it: its code and its names in both languages. */
export interface RegionDescription {
  code: string;
  /** Province, city and county in Chinese ("浙江省 湖州市 安吉县"). */
  name: string;
  /** The province in English; the levels below it have Chinese names only in the data package. */
  nameEn: string;
}

/**
 * The region a 2-, 4- or 6-digit GB/T 2260 code names (province, city, county), or null when the
 * code names no division in the bundled data: a shopper's pick is checked against it.
 */
export function describeRegion(code: string): RegionDescription | null {
  if (!/^\d{2}(\d{2}){0,2}$/.test(code)) return null;
  const province = PROVINCES[code.slice(0, 2)];
  if (!province) return null;
  const { city, county } = divisionNames(code);
  if ((code.length >= 4 && !city) || (code.length === 6 && !county)) return null;
  const below = [code.length >= 4 ? city : null, code.length === 6 ? county : null].filter(
    (name): name is string => name !== null && name !== "市辖区" && name !== "县",
  );
  return {
    code,
    name: [province.zh, ...below].join(" "),
    nameEn: below.length > 0 ? `${province.en} (${below.join(" ")})` : province.en,
  };
}

/** Every province-level region, in code order (a shopper picks one). */
export function provinceRegions(): RegionDescription[] {
  return Object.entries(PROVINCES).map(([code, name]) => ({ code, name: name.zh, nameEn: name.en }));
}
