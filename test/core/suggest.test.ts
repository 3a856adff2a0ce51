import { describe, expect, it } from "vitest";
import { editDistance, fold, suggest } from "../../src/core/suggest";

describe("fold", () => {
  it("drops case, diacritics and punctuation", () => {
    expect(fold("Xi'an")).toBe("xian");
    expect(fold("Małaszewicze")).toBe("malaszewicze");
    expect(fold("Constanța")).toBe("constanta");
  });
});

describe("editDistance", () => {
  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("duisbrug", "duisburg")).toBe(1);
  });
  it("is the length of the other string when one is empty", () => {
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("suggest", () => {
  const names = ["Duisburg", "Hamburg", "Dostyk", "Dushanbe", "Rotterdam"];
  it("puts the closest name first", () => {
    expect(suggest("Duisberg", names)[0]).toBe("Duisburg");
  });
  it("returns nothing for an empty query", () => {
    expect(suggest("  ", names)).toEqual([]);
  });
  it("returns nothing when no name is close", () => {
    expect(suggest("Vladivostok", names)).toEqual([]);
  });
});
