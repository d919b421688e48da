"""The knowledge index mapping, and nothing else.

Every analyzer here is built from the standard tokenizers and filters that
Elasticsearch and the CI engine both have: the Indonesian and English
analysis happens in search/analysis.py, and the *_terms fields receive its
output, split on spaces.
"""

from elasticsearch_dsl import Boolean, Date, Document, Integer, Keyword, Text, analyzer, token_filter

terms = analyzer("knowledge_terms", tokenizer="whitespace")
words = analyzer("knowledge_words", tokenizer="standard", filter=["lowercase", "asciifolding"])
prefixes = analyzer(
    "knowledge_prefixes",
    tokenizer="standard",
    filter=[
        "lowercase",
        "asciifolding",
        token_filter("knowledge_edge_ngram", "edge_ngram", min_gram=1, max_gram=20),
    ],
)


class KnowledgeDocument(Document):
    """One live practice, meeting or CoP page; the id is the page id.

    The text itself stays in the database (KnowledgeRecord.body): results,
    summaries and highlights are read from the records, so the cluster gets
    only the analysed terms it searches, which halves what it indexes.
    """

    kind = Keyword()
    community_id = Keyword()
    community_title = Keyword()
    language = Keyword()
    year = Integer()
    published = Date()
    tags = Keyword()
    title = Text(analyzer=words, fields={"prefixes": Text(analyzer=prefixes, search_analyzer=words)})
    url = Keyword(index=False)
    summary = Text(index=False)
    # Term queries and more-like-this only: counts, no positions.
    title_terms = Text(analyzer=terms, index_options="freqs")
    body_terms = Text(analyzer=terms, index_options="freqs")
    visibility = Keyword()
    live = Boolean()
    fingerprint = Keyword()

    class Index:
        # The real name is an alias from settings; see search/elasticsearch_index.py.
        name = "knowledge"
        settings = {"number_of_shards": 1}
