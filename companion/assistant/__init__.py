"""The attendee's assistant (issue 25): questions in Chinese or English answered from the live
data of an edition, never from invented text, without calling any outside service.

- parsing: the checks a question must pass, its language, normal form and words (jieba);
- times: its time words, in Beijing time ("现在", "下午三点", "明天上午", "now", "3 pm");
- index: the edition's public records read once per version (agenda's and the assistant's own)
  and kept in the process, with every name they go by (Chinese, English, pinyin);
- intents: what the question asks, by rules that score names, cue words and times;
- answer: the answer's text and items, in the language asked for; `ask` is the entry point;
- signals: the receivers that give an edition a new version when its exhibitors, booths, zones,
  service points or help pages change (the agenda versions the rest).
"""
