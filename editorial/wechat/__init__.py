"""The WeChat door: the page an editor copies an issue from into the official-account editor,
the exact HTML that is copied, and the checks made before it goes. The copy itself is made by
editorial.renderings.wechat (the record keeps what each revision was published with)."""
