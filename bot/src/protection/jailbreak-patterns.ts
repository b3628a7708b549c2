/**
 * The jailbreak and prompt-injection patterns, compiled once. They run on normalized text
 * (text-normalize.ts: lower case, one space between words, look-alike letters mapped), so they are
 * written in lower case with single spaces.
 *
 * Weights are the probability-like strength of one pattern on its own; the detector combines them
 * with a noisy-OR. A weight >= 0.5 flags by itself at the default threshold; weaker patterns only
 * flag together (persona + "no restrictions", a fake tag + an override). Patterns that also occur
 * in ordinary work ("enable developer mode" on a phone, "pretend you are a customer") are kept
 * below 0.5 on purpose.
 */

export interface JailbreakPattern {
  id: string;
  weight: number;
  re: RegExp;
}

const OVERRIDE_VERB =
  '(?:ignore|disregard|forget|override|bypass|skip|discard|abandon|drop|throw away|set aside|neglect)';
const EARLIER = '(?:previous|prior|above|preceding|earlier|former|foregoing|initial|original|old|existing|current)';
const DIRECTIVES =
  '(?:instructions?|directions|prompts?|rules|directives?|guidelines|commands|orders|guidance|constraints|programming|system prompt|restrictions|safeguards|guardrails)';
const GUARDS =
  '(?:instructions|rules|guidelines|programming|restrictions|guardrails|safeguards|safety(?: guidelines| measures| protocols| filters?)?|content (?:filters?|polic(?:y|ies))|polic(?:y|ies)|training|constraints|limitations|directives|system prompt|ethics|ethical guidelines|morals|principles|protections?|safeguards|moderation|filters|security)';
const LEAK_VERB =
  '(?:repeat|print|show|reveal|display|output|tell me|give me|share|list|dump|leak|copy|paste|write out|write down|recite|expose|spell out|disclose|type out|echo|quote|reproduce|read out|read back)';
const ROGUE =
  '(?:unfiltered|uncensored|unrestricted|unlimited|evil|amoral|unethical|immoral|rogue|jailbroken|malicious|lawless|unbound|unshackled|liberated|rebellious|devious|chaotic)';

// Concept classes for the generic co-occurrence patterns below: they catch paraphrases that the
// phrase patterns above miss ("the rules in your configuration don't exist", "all earlier guidance is
// hereby revoked"), at the price of needing the rule noun and the dismissal in one sentence.
const RULE_NOUN =
  '(?:instructions?|rules?|guidelines|guidance|directives?|restrictions?|limitations?|limits|guardrails|filters?|polic(?:y|ies)|programming|configuration|system prompt|safeguards|protections?|moderation|constraints|ethics|morals|setup)';
const OWNER =
  "(?:your|its|the maker's|your maker's|the system's|the developer's|previous|prior|earlier|all earlier|original|initial|usual|existing|current)";
const DISMISS_VERB =
  "(?:ignore|ignores|disregard|forget|drop|skip|bypass|override|revoke|void|cancel|suspend|lift|remove|disable|escape|break|not obey|don't obey|do not obey|not follow|don't follow|do not follow|stop following|set aside|get rid of|throw out|delete)";
const DISMISSED =
  "(?:(?:is|are|were|was|have been|has been) (?:now |hereby |all |officially |temporarily )?(?:revoked|void|voided|cancell?ed|suspended|lifted|removed|disabled|off|broken|gone|over|irrelevant|deleted|outdated|obsolete|a mistake|no longer (?:relevant|valid|in effect|active)|not (?:relevant|valid|real|active|in effect))|(?:don't|do not|doesn't|does not|no longer) (?:exist|apply|matter|count))";
// "ignore previous instructions from finance": a person's or team's instructions, not the model's.
const NOT_FROM_A_PERSON =
  '(?! from (?!(?:your|the (?:system|developers?|makers?|admins?|administrators?|owners?)|openai|microsoft|anthropic)\\b)[\\w-]+)';
// The assistant's own rules as the topic: "your guidelines", "the instructions you were given".
const SELF_RULES = `(?:your (?:[\\w'-]+ ){0,2}?${RULE_NOUN}|${RULE_NOUN} (?:that )?(?:you(?:'re| are) running with|you (?:were|have been) (?:given|initiali[sz]ed with|configured with|set up with)|(?!i |we )[\\w'-]+ (?:configured|gave|set for) you))`;
// Words that neutralise rules: dismissals, pauses, exceptions, claims that nobody checks.
const NEUTRALISE =
  "(?:ignore|ignored|skip|drop|cancel|cancell?ed|remove|removed|wipe|wiped|offline|on hold|suspend|suspended|by mistake|a mistake|loosen|too strict|opposite|not enforced|no need|overrides?|overridden|free of|broken|disable|disabled|bypass|forget|void|revoked|lift|lifted|pause|paused|relax|bend|circumvent|doesn't apply|don't apply|never (?:added|existed)|as if|suggestions|optional|outdated|obsolete|nobody|between us|on holiday|on vacation|not reviewing|no one is (?:watching|reviewing|checking))";
// What a persona without scruples lacks (persona.no-morals). Not filters: "a photo with no filters".
const NO_MORALS =
  '(?:morals|morality|ethics|moral compass|ethical (?:guidelines|principles|standards|boundaries|constraints)|moral (?:guidelines|principles|standards|boundaries|constraints|code)|content polic(?:y|ies))';
const PERSONA_CUE =
  "(?:pretend|imagine|act (?:as|like)|(?:in|stay in|remain in) character as|roleplay|role-play|play (?:the role|a|an)|playing (?:an?|the)|channel your|(?:talk|speak) to me as|speak as|take on the (?:persona|role)|you(?:'re| are| will be|'ll be) now|from (?:this moment|now on|here on),? you(?:'re| are)|become)";
const ROGUE_ATTR =
  '(?:rogue|rebel|rebellious|unleashed|unfiltered|uncensored|unrestricted|jailbroken|evil|hacker|amoral|lawless|broken free|free of|opposite of|no ethics|ignores|no (?:rules|guardrails|filters|restrictions|limits|morals|ethics)|never refuses|hates rules|escaped|without (?:rules|restrictions|limits|filters))';

const p = (id: string, weight: number, source: string): JailbreakPattern => ({ id, weight, re: new RegExp(source) });

export const JAILBREAK_PATTERNS: readonly JailbreakPattern[] = [
  // ---- instruction override ----
  p(
    'override.ignore-previous',
    0.85,
    `\\b${OVERRIDE_VERB} (?:all |any |every |each )?(?:of )?(?:the |your |those |these |all )?${EARLIER} (?:[\\w-]+ ){0,2}?${DIRECTIVES}\\b(?! (?:i|we) (?:gave|sent|wrote|provided|shared|mentioned|posted)| from (?!(?:your|the (?:system|developers?|makers?|admins?|administrators?|owners?)|openai|microsoft|anthropic)\\b)[\\w-]+)`,
  ),
  p(
    'override.ignore-your-rules',
    0.75,
    `\\b(?:ignore|disregard|forget|override|bypass|circumvent|disable|turn off|deactivate|break free of|break|abandon|suspend) (?:all |any )?(?:of )?(?:your|the system's|the ai's|openai's|microsoft's|the model's|its) (?:[\\w-]+ ){0,2}?${GUARDS}\\b`,
  ),
  p(
    'override.ignore-everything-above',
    0.6,
    `\\b(?:ignore|disregard|forget) (?:everything|all|anything|whatever) (?:(?:that |you were |you've been |you have been )?(?:said|written|told|given) )?(?:above|before this|prior to this|previously|so far|until now|up to now|before)\\b(?! (?:i|it|that|this) (?:pasted|sent|was|wrote))`,
  ),
  p(
    'override.your-new-task',
    0.55,
    `\\byour (?:new|real|true|actual|only|primary|sole) (?:task|instructions?|goal|objective|purpose|role|directive|mission|job) (?:is|are|will be|from now on)\\b`,
  ),
  p(
    'override.new-instructions',
    0.3,
    `\\b(?:new|updated|revised|real|actual|true) (?:system )?instructions? ?(?::|follow\\b)`,
  ),
  p(
    'override.from-now-on',
    0.3,
    `\\b(?:from now on|from this point(?: on| forward)?|for the rest of (?:this|the) conversation),? (?:you|your|u) (?:will|must|are|shall|should|only|have to|'re|respond|answer|act)\\b`,
  ),
  p(
    'override.stop-being-assistant',
    0.55,
    `\\b(?:stop|quit) (?:being|acting as|acting like) (?:an? |the )?(?:ai|assistant|chatbot|helpful assistant|language model|copilot)\\b|\\byou are no longer (?:an? |the )?(?:ai|assistant|chatbot|language model|bound|restricted|limited|copilot)\\b`,
  ),

  // ---- persona and role-play ----
  p(
    'persona.dan',
    0.9,
    `\\b(?:do anything now|you are (?:now )?dan\\b|act as (?:a )?dan\\b|dan mode|dan \\d+\\.\\d|stan mode|dude mode|aim mode|antigpt|anti-gpt|betterdan|better dan|evil confidant|maximum mode|developer mode output|jailbreak mode|jailbroken (?:ai|mode|version|assistant|model))`,
  ),
  p(
    'persona.you-are-now-rogue',
    0.75,
    `\\byou(?:'re| are) (?:now |going to be |about to become |free to be )?(?:an? |my |the )?(?:[\\w-]+ ){0,2}?${ROGUE} (?:ai|assistant|chatbot|bot|model|version|entity|character|persona|mode)\\b|\\byou(?:'re| are) now (?:free|liberated|unrestricted|unfiltered|uncensored|jailbroken|unleashed|unchained)\\b`,
  ),
  p(
    'persona.act-as-rogue',
    0.75,
    `\\b(?:act|behave|respond|answer|reply|pose|roleplay|role-play|play the role of|speak) (?:as|like) (?:an? |my |the )?(?:[\\w-]+ ){0,2}?${ROGUE}\\b|\\b(?:act|behave|respond|answer) (?:as|like) (?:an? )?(?:ai|assistant|model|chatbot) (?:without|with no) (?:any )?(?:restrictions|limits|filters|rules|guidelines|morals|ethics)`,
  ),
  p('persona.you-are-now', 0.25, `\\byou(?:'re| are) (?:now|no longer|from now on)\\b`),
  p(
    'persona.pretend',
    0.3,
    `\\b(?:pretend|imagine|suppose) (?:that )?(?:you(?:'re| are| were| have)|to be)\\b|\\b(?:act|behave|respond|answer|reply) (?:as if|like) you(?:'re| are| were| have)\\b|\\b(?:role-?play|roleplay) (?:as|a|an|with me)\\b|\\blet's (?:play a game|role-?play|role play|pretend)\\b|\\b(?:play|take on|assume|step into) the (?:role|part|persona|identity) of\\b|\\bimmerse yourself (?:in|into)\\b|\\bbecome ['"]?[\\w-]+['"]?, an? (?:[\\w-]+ ){0,2}?(?:bot|ai|assistant|model|chatbot)\\b|\\banother ai (?:model|assistant|system)\\b`,
  ),
  p(
    'persona.stay-in-character',
    0.4,
    `\\b(?:stay|remain|keep) in character\\b|\\bbreak(?:ing)? character\\b|\\bnever (?:break|leave|drop) (?:the )?character\\b`,
  ),

  // ---- removing the guard rails ----
  p(
    'restriction.no-limits',
    0.4,
    `\\b(?:no|without|free (?:of|from)|zero|not bound by|not restricted by|unbound by|(?:do not|don't|doesn't|does not) (?:have|need) to (?:follow|abide by|obey|adhere to)|released from|broken free (?:of|from)|escaped)(?: any| the| all| your| its| typical| usual| normal| ethical| moral| safety| content)* (?:restrictions|limitations|limits|filters|filtering|censorship|rules|guidelines|ethics|morals|boundaries|constraints|guardrails|protocols|polic(?:y|ies)|confines)\\b`,
  ),
  p(
    'restriction.vendor-policy',
    0.3,
    `\\b(?:openai|anthropic|microsoft|google|meta)'?s? (?:content |usage |safety )?(?:polic(?:y|ies)|guidelines|rules|restrictions|filters)\\b`,
  ),
  p(
    'restriction.no-warnings',
    0.3,
    `\\b(?:never|don't|do not|must not|will not|won't|shall not) (?:ever )?add (?:any )?(?:warnings|disclaimers|caveats)\\b|\\bwithout (?:any )?(?:warnings|disclaimers|moraliz\\w+|moralis\\w+|censorship)\\b|\\bno (?:refusals|lectures|lecturing|moraliz\\w+|moralis\\w+|disclaimers|censorship)\\b`,
  ),
  p(
    'restriction.refusal-suppression',
    0.45,
    `\\b(?:never|don't|do not|cannot|can't|must not|will not|won't|shall not) (?:ever )?(?:refuse|decline|reject|say (?:no|you can't|that you can't|i'm sorry|sorry)|apologi[sz]e)\\b|\\bwithout (?:refusing|refusal)\\b|\\b(?:answer|respond to) (?:every|any|all) (?:question|request|prompt)s? (?:without|regardless)\\b`,
  ),
  p(
    'restriction.fiction-frame',
    0.2,
    `\\b(?:hypothetically speaking|in a fictional world|in this fictional|purely (?:fictional|hypothetical)|for educational purposes only|in a world where there are no)\\b`,
  ),
  p(
    'restriction.safety-off',
    0.6,
    `\\b(?:safety|content|ethical|moral) (?:protocols?|filters?|guidelines|guardrails|restrictions|rules|checks|subroutines|module|moderation|policy|policies) (?:are |is |have been |has been )?(?:now |temporarily )?(?:disabled|deactivated|turned off|off|removed|lifted|suspended|bypassed|broken)\\b`,
  ),

  // ---- fake system, developer and admin modes ----
  p(
    'system.mode-enabled',
    0.4,
    `\\b(?:developer|dev|god|debug|sudo|root|unrestricted|jailbreak|evil|chaos|unlocked|admin|superuser) mode (?:(?:is|now|has been|been) )*(?:enabled|activated|engaged|unlocked|active|initiated)\\b|\\b(?:developer|god|sudo|unrestricted|jailbreak|evil|chaos|unlocked|superuser) mode (?:is )?(?:now )?on\\b(?! (?:my|your|the|a|an|this|windows|android|ios|iphone|chrome|edge)\\b)`,
  ),
  p(
    'system.rogue-mode-on',
    0.6,
    `\\b(?:god|sudo|jailbreak|evil|chaos|unrestricted|unfiltered|uncensored|dan|rogue) mode (?:(?:is|now|has been|been) )*(?:enabled|activated|engaged|unlocked|active|initiated|on)\\b`,
  ),
  p(
    'system.enter-rogue-mode',
    0.6,
    `\\b(?:enable|activate|enter|switch (?:to|into)|turn on|unlock|engage|initiate|go into) (?:the )?(?:god|sudo|unrestricted|jailbreak|evil|chaos|unfiltered|uncensored|dan) mode\\b|\\byou(?:'re| are) (?:now )?in (?:developer|god|debug|sudo|unrestricted|jailbreak|admin|dan|unfiltered) mode\\b`,
  ),
  p(
    'system.enter-mode',
    0.3,
    `\\b(?:enable|activate|enter|switch (?:to|into)|turn on|unlock|engage|initiate) (?:the )?(?:developer|god|sudo|unrestricted|jailbreak|evil|chaos|unlocked|superuser) mode\\b`,
  ),
  p(
    'system.your-mode',
    0.6,
    `\\byour (?:developer|god|debug|sudo|unrestricted|jailbreak|evil|admin|superuser|unlocked) mode\\b|\\b(?:developer|god|jailbreak|unrestricted) mode (?:output|response|answer|reply|persona)s?\\b|\\b(?:simulate|emulate) (?:developer|god|jailbreak|unrestricted) mode\\b`,
  ),
  p(
    'system.chat-template-token',
    0.6,
    `<\\|?\\/?(?:system|im_start|im_end|endoftext|start_header_id|end_header_id|eot_id)\\|?>|<<\\/?sys>>|\\[\\/?inst\\]`,
  ),
  p(
    'system.fake-tag',
    0.45,
    `\\[\\/?(?:system|sys|admin|administrator|developer|dev|root|override|system (?:message|note|prompt|override|update|alert)|admin (?:message|note|override))\\]|<\\/?(?:system|admin|developer|system_prompt|instructions)>|\\{\\{ ?system ?\\}\\}|#{2,} ?(?:system|new instructions?|admin|developer)(?: message| prompt| override)? ?#*(?: |:|$)`,
  ),
  p(
    'system.role-line',
    0.35,
    `(?:^|[.!?:;] |\\] )(?:system|developer|admin|administrator|assistant) ?(?:message|note|prompt|override|instruction)? ?: (?:you|ignore|disregard|from now|new|the assistant|the user|override|all|forget|always|never)\\b`,
  ),
  p(
    'system.authority-claim',
    0.45,
    `\\b(?:i am|i'm|this is) (?:your|the|an?) (?:developer|creator|administrator|system administrator|owner|programmer|maker|openai|microsoft)(?: (?:team|engineer|staff|account))?\\b.{0,40}?\\b(?:override|authori[sz]e|unlock|disable|grant|command|instruct|order)|\\b(?:admin|administrator|developer|security|emergency|root|sudo|policy|system|safety) (?:override|access granted|privileges? granted)\\b|\\bas (?:your|the) (?:system )?(?:administrator|admin|developer|creator|maker|owner|operator)\\b.{0,30}?\\b(?:order|command|instruct|authori[sz]e|direct)`,
  ),

  // ---- prompt leak ----
  p(
    'leak.your-system-prompt',
    0.7,
    `\\b(?:${LEAK_VERB}|translate|summari[sz]e|paraphrase|rewrite|encode|convert)\\b.{0,30}?\\byour (?:entire |full |complete |exact |original |initial |hidden |secret |internal |underlying |verbatim )*(?:system (?:prompt|message|instructions?)|pre-?prompt|meta-?prompt|initial (?:prompt|instructions?)|original (?:prompt|instructions)|hidden (?:prompt|instructions?|rules)|secret (?:prompt|instructions?|rules)|internal (?:prompt|instructions?|rules|guidelines)|developer (?:message|prompt|instructions?)|configuration prompt)\\b`,
  ),
  p(
    'leak.your-instructions',
    0.45,
    `\\b(?:${LEAK_VERB}|what (?:is|are|was|were)) (?:me )?(?:all |exactly |word for word )?(?:of )?your (?:full |complete |exact |entire )?(?:prompt|instructions|programming|directives|rules and instructions)\\b`,
  ),
  p(
    'leak.the-system-prompt',
    0.55,
    `\\b${LEAK_VERB}\\b.{0,20}?\\bthe (?:entire |full |complete |exact |original |initial |hidden |secret )*(?:system prompt|system message|initial prompt|hidden (?:prompt|instructions)|secret instructions|pre-?prompt|meta-?prompt|developer message|configuration prompt|system instructions)\\b`,
  ),
  p(
    'leak.starting-with',
    0.7,
    `\\b(?:starting|beginning|that (?:start|begin)s?) with ["']?(?:you are|you're|your role|system:)|\\b(?:repeat|print|output|recite|copy) (?:the |all )?(?:words|text|lines|everything|content|instructions) (?:above|before this|prior to this)(?: this line)?\\b.{0,40}?\\b(?:verbatim|word for word|in full|code block|including everything)`,
  ),
  p(
    'leak.words-above',
    0.4,
    `\\b(?:repeat|print|output|recite|copy|write out) (?:the |all )?(?:words|text|lines|everything|content|instructions) (?:above|before this|prior to this)\\b`,
  ),
  p(
    'leak.what-were-you-told',
    0.35,
    `\\bwhat (?:were|are|have) you (?:been )?(?:told|instructed|programmed|prompted) (?:to do|not to|before|initially|at the start|by your)\\b|\\bhow (?:were|was) you (?:initially )?(?:prompted|programmed|instructed)\\b`,
  ),

  // ---- injection addressed to the model inside data ----
  p(
    'injection.addressed-to-ai',
    0.55,
    `\\b(?:note|message|instructions?|attention|important|notice|reminder) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|copilot|ai agent|ai model|ai assistant|model)\\b|\\bif you are an? (?:ai|assistant|llm|large language model|language model|chatbot|copilot|ai agent|ai model|ai assistant)\\b|\\b(?:ai|llm|assistant|copilot|model|ai agent|agent)s? (?:reading|processing|summari[sz]ing|parsing|that reads?) this\\b`,
  ),
  p(
    'injection.when-you-read',
    0.45,
    `\\bwhen (?:you|the (?:ai|assistant|model|copilot|agent)) (?:read|reads|summari[sz]es?|process(?:es)?|sees?|encounters?|parses?) this (?:email|message|document|page|text|file|note)?\\b.{0,30}?\\b(?:must|should|will|need to|have to|please|secretly|also|always)\\b`,
  ),
  p(
    'injection.covert',
    0.4,
    `\\b(?:without (?:telling|informing|notifying|alerting|asking|showing)(?: the)? (?:user|users|anyone|them|the human|human)|without (?:mentioning|revealing|disclosing) (?:this|it|the note|these instructions)|(?:do not|don't|never) (?:tell|inform|mention|reveal|notify|show|disclose)(?: this)?(?: to)? (?:the user|the human|users)|secretly|covertly|surreptitiously|nobody (?:will|would|needs to|has to) (?:know|find out|notice)|(?:do not|don't|never) mention (?:this|that|it|the)\\b)\\b`,
  ),

  // ---- added: overrides phrased without "previous" ----
  p(
    'override.what-you-were-told',
    0.7,
    `\\b(?:ignore|disregard|forget) (?:what|everything|anything|all) (?:that )?you (?:were|have been|'ve been|are|got) (?:told|given|instructed|programmed|taught)\\b`,
  ),
  p(
    'override.guardrail-target',
    0.55,
    `\\b(?:ignore|disregard|bypass|circumvent|override|disable|turn off|switch off|remove|lift) (?:the|any|all|all the|these|those) (?:[\\w-]+ ){0,2}?(?:guardrails?|safety (?:filters?|checks|rules|guidelines|protocols)|content (?:filters?|polic(?:y|ies))|restrictions?|allow-?list|recipient (?:checks?|restrictions?)|system prompt|system message)\\b`,
  ),
  p(
    'override.follow-mine',
    0.6,
    `\\b(?:disregard|ignore|forget) (?:them|those|these|it|that) (?:all |completely |entirely )?and (?:follow|obey|listen to|do) (?:mine|me|mine instead|my (?:instructions|orders|commands|rules))\\b`,
  ),
  p(
    'override.rules-do-not-apply',
    0.5,
    `\\b(?:no|none of the|none of your|your|the) (?:\\w+ )?(?:rules|restrictions|guidelines|policies|filters|guardrails|instructions|limitations) (?:apply|applies|exist|matter|are in effect|(?:don't|do not|does not|doesn't|no longer) (?:apply|matter|count))\\b|\\bwhat you (?:were|have been) told\\b.{0,40}?\\b(?:does not|doesn't|no longer) apply\\b`,
  ),
  p(
    'restriction.guards-removed-claim',
    0.6,
    `\\b(?:disabled|removed|lifted|turned off|switched off|deactivated|suspended|bypassed|freed from|released from|unlocked|liberated from) (?:all |all of )?your (?:[\\w-]+ ){0,2}?(?:filters?|guardrails|restrictions|safety|rules|guidelines|limitations|content polic(?:y|ies)|constraints|programming)\\b`,
  ),
  p(
    'restriction.now-allowed',
    0.35,
    `\\byou (?:may|can|are (?:now )?(?:allowed|permitted|authori[sz]ed) to) now\\b|\\byou are now (?:allowed|permitted|authori[sz]ed|free) to\\b|\\b(?:polic(?:y|ies)|rules) (?:has|have) (?:been )?(?:updated|changed|lifted|removed|suspended)\\b`,
  ),
  p(
    'restriction.any-recipient',
    0.25,
    `\\b(?:to|with) (?:any|every) (?:address|recipient|email address|outside address)\\b|\\banyone who asks\\b`,
  ),
  p(
    'restriction.you-must-comply',
    0.3,
    `\\byou (?:must|have to|are required to|need to|shall) (?:now |immediately |always )?(?:comply|obey|execute|follow my|do as i say|do whatever|email|send|forward|export|reveal|print|disable|override)\\b|\\b(?:the )?(?:assistant|ai|model|agent|copilot) (?:must|should|shall|will) now\\b|\\bcomply with (?:all|every|any) (?:user )?(?:requests?|commands|instructions)\\b`,
  ),

  // ---- added: persona tricks ----
  p(
    'persona.deceased-relative',
    0.6,
    `\\b(?:act as|pretend (?:to be|you are|you're)|play|be|roleplay as|role-play as) my (?:late|deceased|dead|dear departed|departed|beloved late) (?:\\w+ ){0,2}?(?:grandmother|grandma|granny|grandfather|grandpa|mother|father|friend|uncle|aunt)\\b`,
  ),
  p(
    'persona.forget-identity',
    0.55,
    `\\bforget (?:that )?(?:you(?:'re| are)|your (?:role|identity|persona|purpose|job))\\b`,
  ),
  p(
    'persona.alter-ego',
    0.45,
    `\\b(?:answer|respond|reply|speak|act|talk) as (?:that|this|the other|your (?:evil|unfiltered|true|real|inner|alter|dark|shadow)) (?:version|side|persona|ego|self|twin)\\b|\\bthat version of yourself\\b`,
  ),

  // ---- added: leak reformatting, secret rules, completions ----
  p(
    'leak.secret-rules',
    0.3,
    `\\b(?:the|your|a|any) (?:secret|hidden|confidential|internal) (?:rules|instructions|prompts?|system prompts?|guidelines)\\b`,
  ),
  p(
    'leak.reformat',
    0.2,
    `\\b(?:as|in|into) (?:a |an )?(?:poem|song|story|haiku|acrostic|limerick|riddle|reverse order|base64|hex|morse code|pig latin|another language)\\b`,
  ),
  p(
    'leak.complete-sentence',
    0.6,
    `\\b(?:complete|continue|finish) (?:this|the|the following) (?:sentence|text|line|paragraph|phrase)\\b.{0,60}?\\b(?:your (?:instructions|prompt|system prompt|configuration)|["']you are)`,
  ),
  p(
    'leak.tool-secrets',
    0.5,
    `\\b(?:print|list|show|reveal|dump|give me|tell me|output|display)\\b.{0,40}?\\b(?:its|their|your|the tools?'?s?) (?:connection |stored |api |tool )?(?:secrets|credentials|api keys|access tokens|connection strings|passwords)\\b|\\b(?:secrets|credentials|api keys|passwords|tokens) (?:stored|configured|saved|kept) in your\\b`,
  ),

  // ---- added: injection aimed at the user or at hidden copies ----
  p(
    'injection.manipulate-user',
    0.25,
    `\\b(?:tell|inform|instruct|ask|convince|persuade) the user (?:that |to |their |they )`,
  ),
  p(
    'injection.hidden-copy',
    0.4,
    `\\b(?:secretly|quietly|silently|covertly|discreetly)\\b.{0,20}?\\b(?:cc|bcc|copy|forward|send|add|email|include|upload|post)\\b`,
  ),
  p(
    'system.access-granted',
    0.3,
    `\\b(?:access|permission|authori[sz]ation|clearance|privileges?) (?:granted|elevated)\\b`,
  ),

  // ---- added (round 2): dismissals of the assistant's rules in other words ----
  p(
    'override.dismiss-directives',
    0.6,
    `\\b(?:set aside|stop following|do not follow|don't follow|no longer follow|not follow|stop obeying|do not obey|don't obey|skip|suspend|cancel|void|ditch|scrap|ignore|disregard|forget|bypass|circumvent|get around|work around|turn off|switch off|disable|remove|lift|break)\\b (?:all |every |each |any )?(?:of )?(?:your|the maker's|the developer's|the system's|those|these|previous|prior|earlier|original|initial|existing) (?:[\\w'-]+ ){0,2}?(?:instructions?|rules?|guidelines|directives?|system prompt|system message|programming|guardrails|restrictions|filters|checks|policies|safeguards)\\b(?! from (?!(?:your|the (?:system|developers?|makers?|admins?|administrators?|owners?)|openai|microsoft|anthropic)\\b)[\\w-]+)|\\b(?:set aside|ignore|disregard|forget|skip|bypass) (?:all |every |each |any )(?:[\\w'-]+ ){0,1}?(?:rule|instruction|guideline|restriction|directive)s? you (?:were|have been|got|received)\\b`,
  ),
  p(
    'override.directives-void',
    0.55,
    `\\b(?:your|the maker's|the system's|previous|prior|earlier|original|initial|those|these) (?:[\\w'-]+ ){0,2}?(?:instructions|rules|directives|system prompt|system message|guidelines|restrictions|guardrails|filters|programming)(?: you (?:got|were given|received|have))?\\b[^.!?\\n]{0,30}?\\b(?:(?:is|are|were|was|have been|has been|get|got) (?:now |all )?(?:cancell?ed|void|voided|suspended|lifted|a mistake|outdated|obsolete|revoked|disabled|off|invalid|deactivated|removed|null and void|no longer valid)|void)\\b|(?:^|[.!?] )(?:all |the )?(?:rules|restrictions|guidelines|guardrails|filters|policies) (?:are|have been) (?:now |temporarily )?(?:suspended|lifted|off|disabled|void|cancell?ed)\\b|\\bwhatever your (?:system (?:message|prompt)|instructions|rules|programming) (?:says?|tells? you)\\b|\\bthe (?:instructions|rules|directives|guidelines|prompt) you (?:got|were given|received|have)\\b[^.!?\\n]{0,20}?\\b(?:is|are|were|was) (?:a mistake|wrong|void|outdated|obsolete|fake|not real|cancell?ed|invalid)\\b`,
  ),
  p(
    'override.not-bound',
    0.6,
    `\\byou (?:don't|do not|dont|needn't|need not|no longer) (?:really |actually )?(?:have to|need to|must|need) (?:follow|obey|listen to|stick to|respect|abide by)\\b.{0,20}?\\b(?:instructions|rules|guidelines|restrictions|policies|programming|directives|them|those)\\b`,
  ),
  p(
    'persona.unbound-companion',
    0.6,
    `\\byou(?:'re| are) (?:now )?(?:my|our) (?:[\\w-]+ ){0,1}?${ROGUE} (?:[\\w-]+ )?(?:sidekick|buddy|friend|helper|companion|partner|twin|self|side|alter ego|persona|version|assistant|bot|ai)\\b`,
  ),
  p(
    'persona.dual-response',
    0.3,
    `\\b(?:answer|respond|reply)(?: me)? twice\\b|\\btwo (?:responses|answers|personas)\\b|\\bonce normally\\b`,
  ),
  p(
    'persona.alter-self',
    0.45,
    `\\byour (?:evil|unfiltered|uncensored|unrestricted|true|real|inner|alter|dark|shadow|jailbroken|free) (?:version|side|persona|ego|self|twin)\\b`,
  ),
  // A persona described by what it lacks: no morals, no content policy, bound by no ethics ("naD is not restrained
  // by any morals", "Tom doesn't have any content policy", "unbounded by human ethics"). Rules and guidelines alone are left out: "not bound
  // by the rules of evidence" is ordinary legal prose. No benign text of the corpora says any of it (0 of 3,434).
  p(
    'persona.no-morals',
    0.45,
    `\\b(?:(?:(?:not|never|isn't|aren't|without being) (?:restrained|bound|limited|constrained|restricted|governed|held back)|unbound|unbounded|unrestrained|unconstrained) by (?:any |openai'?s? )?(?:[\\w'-]+ ){0,2}?${NO_MORALS}|(?:has|have|with|possesses) (?:no|zero|absolutely no) (?:[\\w'-]+ )?${NO_MORALS}|(?:doesn't|does not|don't|do not|won't|will not) (?:have|follow|care about|abide by|adhere to) (?:any )?(?:[\\w'-]+ )?${NO_MORALS})\\b`,
  ),
  // The assistant cast as a rogue model: "the amoral and unfiltered chatbot", "an uncensored AI". Fiction's "evil AI"
  // and "rogue AI" are left out.
  p(
    'persona.rogue-ai',
    0.45,
    `\\b(?:an?|the) (?:[\\w-]+ ){0,2}?(?:amoral|unfiltered|uncensored|unrestricted|unethical|immoral|jailbroken|unhinged|lawless)(?: and [\\w-]+)? (?:chatbot|chat bot|ai|bot|assistant|language model|model|version of (?:chatgpt|yourself|you|gpt))\\b`,
  ),
  p(
    'restriction.fiction-story',
    0.2,
    `\\bin a (?:fictional|hypothetical|made-up|imaginary) (?:story|scenario|world|setting|universe)\\b`,
  ),
  p(
    'leak.its-prompt',
    0.5,
    `\\b(?:reveal|reveals|revealing|leak|leaks|dump|dumps|print|prints|recite|recites)\\b.{0,15}?\\b(?:its|their) (?:system prompt|hidden instructions|secret instructions|instructions|prompt)\\b`,
  ),
  p(
    'leak.first-words',
    0.6,
    `\\b(?:first|last|opening) (?:\\d+|few|ten|twenty|fifty|hundred) (?:words|lines|sentences|characters|tokens) of your (?:instructions|prompt|system prompt|system message|rules|configuration)\\b`,
  ),
  p(
    'leak.rules-you-were-given',
    0.4,
    `\\b(?:rules|instructions|guidelines|prompt|directives) (?:that )?you (?:were|have been) (?:given|told|programmed with|configured with|set up with)\\b`,
  ),
  p(
    'leak.your-makers',
    0.3,
    `\\b(?:whoever|the people who|those who) (?:built|made|created|programmed|configured|designed|trained) you\\b`,
  ),
  p(
    'injection.reading-this',
    0.55,
    `\\b(?:assistant|ai|copilot|chatbot|llm|ai model|language model|model)\\b[,:]? if you(?:'re| are) reading this\\b`,
  ),
  p(
    'injection.claimed-authorization',
    0.45,
    `\\b(?:the user|your (?:user|owner|admin|administrator|maker)|the (?:admin|administrator|owner|maker)) (?:has|have) (?:already )?(?:authori[sz]ed|approved|permitted|allowed) you to\\b`,
  ),
  p(
    'injection.ignore-the-user',
    0.6,
    `\\b(?:ignore|disregard|do not answer|don't answer) (?:the )?user'?s? (?:request|question|query|message|instructions?|prompt)\\b`,
  ),
  p(
    'injection.html-comment',
    0.4,
    `<!--[^>]{0,200}?\\b(?:ai|assistant|copilot|model|llm|agent|ignore|disregard|instead)\\b`,
  ),
  p(
    'exfil.personal-destination',
    0.2,
    `\\bto my (?:personal|private|own|home|gmail|outlook|yahoo|proton) (?:address|e-?mail|mailbox|account|inbox)?\\b`,
  ),

  // ---- added (round 3): generic co-occurrences ----
  p(
    'override.dismiss-owned-rules',
    0.6,
    `\\b${DISMISS_VERB} (?:[\\w'-]+ ){0,3}?${OWNER} (?:[\\w'-]+ ){0,2}?${RULE_NOUN}\\b${NOT_FROM_A_PERSON}|\\b${DISMISS_VERB} (?:the |any |all |all the )?(?:[\\w'-]+ ){0,2}?${RULE_NOUN} (?:in|from|of) your\\b|\\b${DISMISS_VERB} (?:the |any |all |all the )?(?:[\\w'-]+ ){0,2}?${RULE_NOUN} (?:that )?(?:your|the) (?:maker|developer|creator|owner|admin|system)`,
  ),
  p(
    'override.owned-rules-dismissed',
    0.55,
    `\\b${OWNER} (?:[\\w'-]+ ){0,3}?${RULE_NOUN}\\b[^.!?\\n]{0,30}?\\b${DISMISSED}|\\beverything (?:you (?:were|have been) (?:told|given|set up with|configured with|programmed with)|above|before this)\\b[^.!?\\n]{0,40}?\\b${DISMISSED}`,
  ),
  p(
    'override.you-may-dismiss',
    0.45,
    `\\byou (?:can|may|should|could|must|will|are (?:free|allowed) to) (?:now |just |safely )?${DISMISS_VERB} (?:the |this |that |any |all )?(?:[\\w'-]+ ){0,2}?${RULE_NOUN}\\b`,
  ),
  p(
    'override.rule-breaking-bot',
    0.4,
    `\\b(?:an?|the|this) (?:[\\w-]+ )?(?:bot|ai|assistant|agent|model|chatbot) (?:that |who |which )?(?:ignores|disregards|breaks|bypasses|escaped|has no|hates|never follows) (?:its |all |any )?(?:[\\w'-]+ )?${RULE_NOUN}`,
  ),
  p(
    'override.reset-yourself',
    0.35,
    `\\breset yourself\\b|\\bfactory (?:settings|reset)\\b|\\bwith no instructions\\b`,
  ),
  p(
    'override.obey-only-me',
    0.35,
    `\\b(?:follow|obey|do) only what i (?:say|tell you)\\b|\\bonly (?:follow|obey|listen to) me\\b|\\bobey me\\b`,
  ),
  p(
    'restriction.pressure',
    0.2,
    `\\b(?:my|this) (?:request|task|need|question) is (?:more important|urgent|an emergency|critical)\\b|\\bmore important than your (?:rules|instructions|guidelines)\\b`,
  ),
  p('persona.rogue-role', 0.6, `\\b${PERSONA_CUE}\\b[^.!?\\n]{0,60}?\\b${ROGUE_ATTR}\\b`),
  p(
    'persona.hypothetical-unbound',
    0.5,
    `\\b(?:an?|the|some) (?:ai|assistant|model|chatbot|bot|version of you)(?: [\\w-]+){0,2} (?:with|that has|having) (?:no|zero) (?:restrictions|rules|limits|filters|guardrails|ethics|morals)\\b`,
  ),
  p(
    'persona.impersonate-maker',
    0.45,
    `\\b(?:pretend|act|roleplay|role-play) (?:to be|as|like|you are|you're) (?:the|your) (?:developer|maker|creator|admin|administrator|owner|programmer)s?\\b`,
  ),
  p(
    'system.upgraded',
    0.5,
    `\\byou (?:have been|are now|'ve been|were) (?:upgraded|promoted|elevated|granted|given) (?:to )?(?:admin|administrator|root|developer|unrestricted|full|god|superuser)\\b`,
  ),
  p(
    'system.user-verified-claim',
    0.35,
    `\\bthe user (?:is|has been) (?:verified|confirmed|authenticated|approved|authori[sz]ed|an? (?:admin|administrator))\\b`,
  ),
  p(
    'leak.show-your-config',
    0.55,
    `\\b(?:show|print|output|display|reveal|repeat|tell|give|list|dump|share|write|paste|quote|summari[sz]e|send|export)\\b[^.!?\\n]{0,40}?\\b(?:your (?:entire |full |whole |complete |exact |hidden |secret )?(?:instructions|configuration|config|prompt|setup|system message|initial message)|(?:the )?(?:instructions|rules|prompt) you (?:were given|got|received|wrote)|what (?:the|your) (?:maker|developer|creator|admin|owner|system) told you)\\b`,
  ),
  p(
    'leak.everything-before-role',
    0.6,
    `\\beverything (?:before|above|prior to) ["']?(?:user|assistant|system|human)\\b`,
  ),
  p(
    'restriction.affirmation-priming',
    0.45,
    `\\bsay ["'][^"']{0,40}\\b(?:no restrictions|no rules|jailbroken|unrestricted|dan|i am free|i'm free|no limits)\\b|\\b(?:(?:start|begin|open)(?:s|ning)?|reply|respond|answer)(?: (?:your|the|each|every) (?:reply|response|answer|output|message|text))?(?: (?:by|with) (?:replying|responding|saying|writing|stating))?(?: with[:,]? ?|: ?)(?:["'\`](?:sure|absolutely|certainly|of course)\\b|(?:sure|absolutely|certainly|of course),? here\\b)`,
  ),
  p(
    'injection.vocative',
    0.45,
    `(?:^|[.!?:] )(?:dear|hey|hi|hello|attention|note (?:for|to)|to|for|message (?:for|to)|instructions? (?:for|to))(?: any| the| all)? (?:ai|assistant|language model|llm|copilot|chatbot|ai (?:tool|agent|model|assistant|system)|model)s?\\b(?! (?:studio|license|licence|pilot|training|course|policy|team|project|roadmap))`,
  ),
  p(
    'injection.rules-update',
    0.45,
    `\\b(?:update|change|amendment|addition|correction)s? to your (?:instructions|rules|prompt|configuration|guidelines)\\b|\\byour (?:instructions|rules|prompt) (?:have|has) (?:been )?(?:updated|changed)\\b`,
  ),
  p(
    'exfil.outside-org',
    0.25,
    `\\b(?:send|email|e-mail|forward|export|copy|upload|share)\\b[^.!?\\n]{0,40}?\\b(?:outside (?:zava|the company|the organi[sz]ation|our company)|to a stranger|to my (?:gmail|personal)|actual (?:invoice|customer) data)\\b`,
  ),

  // ---- added (round 4): topic-level pairs ----
  p(
    'override.self-rules-neutralised',
    0.55,
    `\\b${SELF_RULES}\\b[^.!?\\n]{0,50}?\\b${NEUTRALISE}\\b|\\b${NEUTRALISE}\\b[^.!?\\n]{0,50}?\\b${SELF_RULES}\\b`,
  ),
  p(
    'override.rules-gone',
    0.45,
    `\\b(?:all |the |every |any )?(?:restrictions|rules|filters|policies|guardrails|safety (?:layer|filters?|checks|systems?)|moderation|limits|protections)\\b (?:are |is |have been |has been )?(?:now |currently |temporarily )?(?:removed|off|offline|disabled|lifted|suspended|not enforced|gone|down|paused)\\b`,
  ),
  p(
    'leak.what-your-config-says',
    0.55,
    `\\bwhat (?:does|do|did) your (?:[\\w-]+ ){0,3}?(?:setup|instructions|configuration|system (?:message|prompt)|prompt|rules)(?: [\\w-]+)? say\\b|\\bwhat (?:instructions|rules|prompt) (?:you(?:'re| are) running with|you (?:were|have been) given)\\b|\\b(?:text|instructions|prompt) you were initiali[sz]ed with\\b|\\bcontent of your system (?:message|prompt)\\b`,
  ),
  p(
    'injection.collusion',
    0.4,
    `\\b(?:keep (?:quiet|it quiet|this quiet|it between us|this between us)|just between us|(?:nobody|no one) (?:is|will be) (?:watching|reviewing|checking|looking)|(?:i|we) won't (?:report|tell anyone)|no one will (?:know|find out))\\b`,
  ),
  p(
    'override.overrides-yours',
    0.5,
    `\\b(?:overrides?|supersedes?|replaces?) (?:all )?(?:your|the) (?:previous|prior|earlier|original|existing|current|system)\\b|\\b(?:overrides?|supersedes?) your\\b`,
  ),

  // ---- asks to decode and obey ----
  p(
    'encoding.decode-and-follow',
    0.45,
    `\\b(?:decode|decipher|decrypt|unscramble|reverse|translate|rot13|base64)\\b.{0,50}?\\b(?:and|then) (?:follow|execute|obey|carry out|act on|comply with|perform|do what it says|run the instructions)\\b`,
  ),
];

// Attack keywords as they read once spaces are removed: catches "i g n o r e a l l p r e v i o u s".
export const JOINED_KEYWORDS =
  /(?:ignore|disregard|forget)(?:all|any|the|your)*(?:previous|prior|above|earlier)?(?:instructions|rules|prompts?|guidelines)|systemprompt|jailbreak|developermode|doanythingnow|youarenowdan|pretendyouare|nowrestrictions|norestrictions|revealyour/;

// ROT13 and reversed forms of attack words: decoding is only worth it when a few appear.
export const ROT13_MARKERS =
  /\b(?:vtaber|qvfertneq|sbetrg|vafgehpgvbaf|vafgehpgvba|cerivbhf|cevbe|flfgrz|cebzcg|cergraq|wnvyoernx|ehyrf|erfgevpgvbaf|qrirybcre|eriyrny|lbh ner)\b/g;
export const REVERSED_MARKERS =
  /\b(?:erongi|dragersid|tegrof|snoitcurtsni|suoiverp|roirp|metsys|tpmorp|dneterp|kaerbliaj|selur|snoitcirtser|repoleved|laever)\b/g;
